"""CP-SAT models (selection, clubs, sessions), their weights and explanations.

Data moves forward only: domain objects → index-based problem data → CP-SAT
model → solution → explained result.
"""
