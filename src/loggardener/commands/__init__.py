"""Commands beyond `scan`, each a typer function that cli.py registers."""
