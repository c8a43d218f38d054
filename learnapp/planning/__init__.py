"""Annual development plans (发展计划) per branch, and the plan against what the files show.

    models.py      DevelopmentPlan: one version of a branch's plan for a year (proposed / approved)
    categories.py  the composition categories (女性, 35岁以下, …), each a rule on a person field
    services.py    set_plan (committee), propose_plan (branch), approve_plan, plan_in_force
    actuals.py     the year's counts from the development steps, per branch subtree, with the people
    forecast.py    development targets on course to be admitted this year (from their timelines)
    views.py       /planning/: plan vs actual, the people counted, the forecast, the plan form
"""
