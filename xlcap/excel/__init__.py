"""The Excel boundary: cell values in and out per runtime, the functions udfs.py wraps, xlwings Lite's main.py."""
