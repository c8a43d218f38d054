"""The training contact's work: talks (谈心谈话), quarterly thought reports (思想汇报) and the
confidential political review dossier (政审) of development targets."""
