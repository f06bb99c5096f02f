"""Rich renderings shared by the CLI and the app: decision tables, summaries, costs, tracker results.

Only `rich` is imported here — never click or textual — so both faces draw the same thing.
"""
