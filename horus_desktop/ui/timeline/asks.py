"""The timeline dock's dialogs: name a new playlist (empty, from the browser's selection, from a rule), edit
its properties, pick a file to import or export. Each asks, then calls the panel's command."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog

from horus_desktop.domain.wording import counted

if TYPE_CHECKING:
    from horus_desktop.ui.timeline.panel import TimelinePanel

IMPORT_FILTER = "Playlists (*.otio *.otioz *.edl);;OpenTimelineIO (*.otio *.otioz);;CMX 3600 EDL (*.edl)"
EXPORT_FILTER = "OpenTimelineIO (*.otio);;OpenTimelineIO bundle (*.otioz);;CMX 3600 EDL (*.edl)"
RULE_HINT = "latest:sequence=sq010,department=comp   or   submitted-today"


def project_hint(panel: TimelinePanel) -> str | None:
    """The project a new playlist belongs to: the browser selection's, else the shown playlist's."""
    selected = panel.selected_media()
    if selected:
        return selected[0].project_id
    return panel.state.project_id if panel.state else None


def ask_new_empty(panel: TimelinePanel) -> None:
    """New > Empty Playlist: ask its name."""
    name, ok = QInputDialog.getText(panel, "New playlist", "Name:", text="Dailies")
    if ok and name.strip():
        panel.create_empty(name.strip(), project=project_hint(panel))


def ask_from_selection(panel: TimelinePanel) -> None:
    """New > From Browser Selection: ask its name (the selected media, in order, are its clips)."""
    selected = panel.selected_media()
    if not selected:
        panel.sig_message.emit("Select media in the browser first")
        return
    name, ok = QInputDialog.getText(panel, "New playlist", f"Name ({counted(len(selected), 'clip')}):", text="Dailies")
    if ok and name.strip():
        panel.create_from_media(name.strip(), [m.id for m in selected], project=selected[0].project_id)


def ask_from_rule(panel: TimelinePanel) -> None:
    """New > From Rule: ask the rule (again, saying what is wrong and keeping the text, until it reads), then the
    name. A mistyped rule was refused only after its name had been asked."""
    from horus_desktop.timeline.playlists import PlaylistError, parse_rule  # loads on use, as making one does

    label, rule = f"Rule ({RULE_HINT}):", "latest:department=comp"
    while True:
        rule, ok = QInputDialog.getText(panel, "New playlist from a rule", label, text=rule)
        if not ok or not rule.strip():
            return
        try:
            parse_rule(rule)
        except PlaylistError as error:
            label = f"{error}\nRule ({RULE_HINT}):"
            continue
        break
    name, ok = QInputDialog.getText(panel, "New playlist from a rule", "Name:", text=rule.strip())
    if ok and name.strip():
        panel.create_from_rule(name.strip(), rule.strip(), project=project_hint(panel))


def ask_properties(panel: TimelinePanel) -> None:
    """Properties...: name, type, review status and description of the shown playlist."""
    if panel.state is None:
        return
    from horus_desktop.ui.timeline.properties import PlaylistPropertiesDialog  # loads on use

    dialog = PlaylistPropertiesDialog(panel.state, panel)
    if dialog.exec() == PlaylistPropertiesDialog.DialogCode.Accepted:
        panel.set_properties(**dialog.values())


def ask_import(panel: TimelinePanel) -> None:
    """Import...: pick an .otio, .otioz or .edl file."""
    from PySide6.QtWidgets import QFileDialog  # loads on use

    path, _ = QFileDialog.getOpenFileName(panel, "Import a playlist", "", IMPORT_FILTER)
    if path:
        panel.import_file(path)


def ask_export(panel: TimelinePanel) -> None:
    """Export...: pick where (the chosen filter gives the extension when the name has none)."""
    if panel.state is None:
        return
    from PySide6.QtWidgets import QFileDialog  # loads on use

    path, chosen = QFileDialog.getSaveFileName(panel, "Export the playlist", f"{panel.state.name}.otio",
                                               EXPORT_FILTER)
    if path:
        if not Path(path).suffix:
            path += ".edl" if "edl" in chosen else ".otioz" if "otioz" in chosen else ".otio"
        panel.export_file(path)
