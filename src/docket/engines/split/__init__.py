"""Splitting a file that holds several documents into classified, contiguous page ranges."""
