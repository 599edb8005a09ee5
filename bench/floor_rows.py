"""The floor for a long listing: a bare Typer app printing given rows in a Rich table.

    python bench/floor_rows.py ROWS.txt

ROWS.txt is peerfind's own plain output of the listing (one line per meeting):
this prints the same rows, in a table of the same kind (#, When, Meeting, Status),
so the difference from peerfind is what peerfind does besides printing them.
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
    with open(rows, encoding="utf-8") as lines:
        next(lines)  # the heading
        for line in lines:
            cells = [cell for cell in line.rstrip("\n").split("  ") if cell]
            if len(cells) < 4 or not cells[0].strip().isdigit():
                break  # the notes under the rows
            number, *when, status, meeting = [cell.strip() for cell in cells]
            name, _, place = meeting.partition(" · ")
            table.add_row(number, "\n".join(when), f"{name}\n{place}", status)
    Console().print(table)


if __name__ == "__main__":
    sys.exit(app())
