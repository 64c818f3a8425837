"""Executes every notebook here from top to bottom, headless, as a test: exit code 1
if any cell raises. Outputs are not written back (executed notebooks are not
committed). Run from the repository root: python notebooks/run_all.py"""
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

here = Path(__file__).resolve().parent
failed = []
for path in sorted(here.glob("*.ipynb")):
    book = nbformat.read(path, as_version=4)
    try:
        NotebookClient(book, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(here)}}).execute()
        print(f"ok      {path.name}")
    except Exception as error:  # a failing cell: report and go on with the others
        print(f"FAILED  {path.name}: {error}")
        failed.append(path.name)
sys.exit(1 if failed else 0)
