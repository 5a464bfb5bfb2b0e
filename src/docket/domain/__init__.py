"""Pure data models shared by every layer; imports nothing else from docket."""
