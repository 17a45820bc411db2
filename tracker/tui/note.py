"""The note dialog: one line of text, Enter stores it, Escape cancels."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class NoteDialog(ModalScreen[str | None]):
    """Ask for a note; dismisses with its text, or ``None`` when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, subject: str) -> None:
        super().__init__()
        self.subject = subject

    def compose(self) -> ComposeResult:
        """A title and a text box."""
        with Vertical(id="note-box"):
            yield Label(f"Note on {self.subject}  (Enter to save, Esc to cancel)")
            yield Input(placeholder="note…", id="note-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Save the note (an empty one is a cancel)."""
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Close without a note."""
        self.dismiss(None)
