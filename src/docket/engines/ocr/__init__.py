"""OCR engines behind :class:`~docket.engines.base.OcrEngine` and the page pipeline around them."""
