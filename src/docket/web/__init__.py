"""Document viewer: page images with block and citation overlays."""
