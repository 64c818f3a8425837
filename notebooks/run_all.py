"""Executes every notebook here from top to bottom, headless, as a test: exit code 1
if any cell raises or if a cell that draws a figure (it calls plt.show() or shows an
Image) has no image/png among its outputs — a figure that silently fails to appear is
a failure. Outputs are not written back (executed notebooks are not committed).

Needs the chainlab Python package (pip install ./python) and
notebooks/requirements.txt. Run from the repository root: python notebooks/run_all.py"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

DRAWS = ("plt.show()", "Image(")


def missing_figures(book):
    """Indexes of code cells that draw but show no PNG."""
    missing = []
    for index, cell in enumerate(book.cells):
        if cell.cell_type != "code" or not any(d in cell.source for d in DRAWS):
            continue
        if not any("image/png" in output.get("data", {}) for output in cell.get("outputs", [])):
            missing.append(index)
    return missing


here = Path(__file__).resolve().parent
failed = []
for path in sorted(here.glob("*.ipynb")):
    book = nbformat.read(path, as_version=4)
    try:
        NotebookClient(
            book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(here)}}
        ).execute()
    except Exception as error:  # a failing cell: report and go on with the others
        print(f"FAILED  {path.name}: {error}")
        failed.append(path.name)
        continue
    drawn = sum(1 for c in book.cells if c.cell_type == "code" and any(d in c.source for d in DRAWS))
    missing = missing_figures(book)
    if missing:
        print(f"FAILED  {path.name}: cells {missing} draw a figure but show no image/png")
        failed.append(path.name)
    else:
        print(f"ok      {path.name} ({drawn} figures shown)")
sys.exit(1 if failed else 0)
