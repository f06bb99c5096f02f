"""The fast lane: a clean CSV catalog evaluated in compiled code, written exactly as row by row.

`drive.run_csv` is the entry; `kernel` (Cython, built by `pip install`) holds the loop. A run the
lane cannot take exactly (JSON output, another encoding, a rulebook reading titles directly, the
kernel not built) goes the Python path, and so does any row the kernel cannot prove it reads as
the csv module and the reader would.
"""
