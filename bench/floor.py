"""The floor for our stack: a bare Typer app that prints a 20-row Rich table."""

import typer

app = typer.Typer()


@app.command()
def main() -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table("Day", "Time", "Meeting", "Status")
    for n in range(20):
        table.add_row("Fri 27 Nov", "7:00 pm", f"Fictional group {n}", "unverified")
    Console().print(table)


if __name__ == "__main__":
    app()
