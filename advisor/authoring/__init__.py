"""The rule author's toolkit: rule tests, lint, the impact diff of an edit, and explanations."""
