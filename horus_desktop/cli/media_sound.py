"""``horus media sound MEDIA_ID FILE --offset N`` / ``--clear``: an image sequence's sound file."""

from __future__ import annotations

import argparse

from horus_desktop.cli.common import CliError, add_store_options, open_horus, quick_write, text_argument
from horus_desktop.cli_output import print_json


def cmd_media_sound(args: argparse.Namespace) -> int:
    """Attach a sound file to a media (or clear it)."""
    from horus_desktop.media.audio_attach import attach_path, is_plain_wav, sound_of

    if not args.clear and not args.file:
        raise CliError("FILE: give a sound FILE, or --clear")
    if args.clear and args.file:
        raise CliError(f"FILE: {args.file} and --clear: give one, not both")
    record = None
    # A PCM WAV is checked by its header (the standard library) and written without SQLAlchemy on a current
    # SQLite store; any other file is checked by PyAV, on the full path (set_sound), as before.
    if args.clear or is_plain_wav(attach_path(args.file)):
        path = None if args.clear else attach_path(args.file)
        record = quick_write(args, lambda writer, user: writer.set_sound(user, args.media_id, path, args.offset))
    if record is None:
        from horus_desktop.services.sound import clear_sound, set_sound

        with open_horus(args) as horus:
            if args.clear:
                record = clear_sound(horus.store, args.media_id)
            else:
                record = set_sound(horus.store, args.media_id, args.file, args.offset)
    sound = sound_of(record.extra_metadata)
    if args.json:
        print_json({"media_id": str(record.id), "sound": sound.as_metadata() if sound else None})
    elif sound is None:
        print(f"{record.id}  {record.file_name}: no sound file")
    else:
        print(f"{record.id}  {record.file_name}: sound {sound.path} from frame offset {sound.offset}")
    return 0


def register_sound(media: argparse._SubParsersAction) -> None:
    """Add ``media sound``."""
    p = media.add_parser("sound", help="attach a sound file (WAV/AIFF/MP3) to a media, with an offset in frames")
    p.add_argument("media_id", metavar="MEDIA_ID")
    p.add_argument("file", nargs="?", metavar="FILE", type=text_argument)
    p.add_argument("--offset", type=int, default=0,
                   help="media frame (counted from its first frame) at which the sound starts; default 0")
    p.add_argument("--clear", action="store_true", help="remove the media's sound file")
    p.add_argument("--json", action="store_true")
    add_store_options(p)
    p.set_defaults(func=cmd_media_sound)
