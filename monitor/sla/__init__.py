"""The SLA: deadlines in business time, warnings before breach, breaches, and the escalation ladder."""
