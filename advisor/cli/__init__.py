"""The `trackright` command (click + rich): evaluate, decide, rules, track and app.

`main` holds the entry point and the lazily loaded command group; each other module holds one
command family. Nothing is imported here, so `python -m advisor.cli.main` runs cleanly.
"""
