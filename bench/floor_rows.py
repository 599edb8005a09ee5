"""The floor for a long listing: a bare Typer app printing given rows in a Rich table.

    python bench/floor_rows.py ROWS.txt

ROWS.txt is peerfind's own plain output of the listing (one line per meeting, then
its notes): this prints the heading, the same rows in a table of the same kind (#,
When, Meeting, Status) and the same notes, so the difference from peerfind is what
peerfind does besides printing them.
"""

import sys

import typer

app = typer.Typer()


@app.command()
def main(rows: str) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=True)
    for name in ("#", "When", "Meeting", "Status"):
        table.add_column(name)
    console = Console()
    notes: list[str] = []
    with open(rows, encoding="utf-8") as lines:
        console.print(next(lines).rstrip("\n"))  # the heading
        for line in lines:
            cells = [cell for cell in line.rstrip("\n").split("  ") if cell]
            if notes or len(cells) < 4 or not cells[0].strip().isdigit():
                notes.append(line.rstrip("\n"))  # how to join, the legend, the reminder
                continue
            number, *when, status, meeting = [cell.strip() for cell in cells]
            name, _, place = meeting.partition(" · ")
            table.add_row(number, "\n".join(when), f"{name}\n{place}", status)
    console.print(table)
    for note in notes:
        console.print(note, no_wrap=True, overflow="ignore", crop=False)


if __name__ == "__main__":
    sys.exit(app())
