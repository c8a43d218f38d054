"""Question bank (题库): categories, versioned questions, import/export formats."""
