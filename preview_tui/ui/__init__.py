"""The Textual interface: it renders what the engine hands it and reports what the participant does."""
