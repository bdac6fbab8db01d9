"""Opening a media or a playlist into a viewer slot: one typed request, one open path, typed results (no Qt).

`open_slot` runs off the UI thread (the viewer's opener): it makes the frame source, decodes a probe frame
(its size, pixel type and colour space set the view), lists an EXR's layers, picks the input colour space,
builds the GL recipe or the CPU conversion (media/display.py) and starts the playback session.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction

from horus_desktop.domain.records import MediaRecord
from horus_desktop.domain.timecode import exact_rate
from horus_desktop.media.colour import ColourConfig, GpuShaderRecipe, ViewSettings
from horus_desktop.media.colour_defaults import InputColourSpace
from horus_desktop.media.display import cpu_convert, gpu_convert, gpu_recipe_for
from horus_desktop.media.exr_layers import DEFAULT_LAYER, ExrLayer, list_exr_layers
from horus_desktop.media.frames import Frame, FrameSource
from horus_desktop.playback.clock import LoopMode, SlowPolicy
from horus_desktop.playback.media_slot import MediaSlot, RecipeRequest
from horus_desktop.playback.session import PlaybackSession


def open_frame_source(path: str, **options: object) -> FrameSource:
    """A file's frames (the decoders load on the first open, not when the window starts)."""
    from horus_desktop.media.open_source import open_frame_source as open_source

    return open_source(path, **options)  # type: ignore[arg-type]


#: The view's size and colour space when a playlist's probe frame does not decode (a gap, missing media).
FALLBACK_SIZE = (1920, 1080)

#: Opens a media record's file (path, part=, layer=): the UI passes the one that follows path mappings.
FileOpener = Callable[..., FrameSource]
#: (record, the colour space the file gives, is_float=...) -> the input colour space to read it in.
InputResolver = Callable[..., InputColourSpace]

#: (a record's file path, part=, layer=) -> its FrameSource. The viewer passes services.media_paths.open_media,
#: which opens this machine's copy (path mappings) and names both paths when it is missing.
MediaOpener = Callable[..., FrameSource]


@dataclass(frozen=True)
class DisplayChoice:
    """How the viewer shows frames now: colour path, display, view, exposure, gamma, channel."""

    use_gl: bool
    display: str
    view: str
    exposure: float = 0.0
    gamma: float = 1.0
    channel: str = "rgb"

    def settings(self, colour_space: str) -> ViewSettings:
        """The view settings of a media read in ``colour_space``."""
        return ViewSettings(colour_space, self.display, self.view, self.exposure, self.gamma)


@dataclass(frozen=True, eq=False)
class OpenRequest:
    """What to open into a slot: a media record (its file) or any frame source (a playlist: no record).

    ``probe_frame``: a frame that decodes (default: the first); ``start_frame``: where the playhead starts.
    A media whose probe frame fails does not open; a playlist opens anyway (placeholders, 1920x1080 sRGB)."""

    slot: str
    title: str
    rate: Fraction
    record: MediaRecord | None = None
    make_source: Callable[[], FrameSource] | None = None
    layer: ExrLayer | None = None
    probe_frame: int | None = None
    start_frame: int | None = None
    token: object = field(default_factory=object)

    @staticmethod
    def media(record: MediaRecord, slot: str = "A", *, layer: ExrLayer | None = None,
              at_frame: int | None = None) -> OpenRequest:
        """A media record, optionally one EXR part/layer of it, starting at ``at_frame``."""
        return OpenRequest(slot, record.file_name, exact_rate(record.frame_rate, record.frame_rate_rational),
                           record=record, layer=layer, start_frame=at_frame)


@dataclass(frozen=True)
class Opened:
    """An open request that succeeded."""

    request: OpenRequest
    slot: MediaSlot


@dataclass(frozen=True)
class OpenFailed:
    """An open request that failed, or a recipe that could not be built, and why."""

    request: OpenRequest | RecipeRequest
    error: Exception


@dataclass(frozen=True)
class RecipeBuilt:
    """A GL recipe built for a slot (its own, or one of its frames')."""

    request: RecipeRequest
    recipe: GpuShaderRecipe


def exr_layers_of(source: FrameSource, frame: int) -> list[ExrLayer]:
    """The parts/layers of an EXR source's frame (none for other media)."""
    file_for = getattr(source, "file_for", None)
    if file_for is None:
        return []
    path = str(file_for(frame))
    if not path.lower().endswith(".exr"):
        return []
    return list_exr_layers(path)


def default_layer(layers: list[ExrLayer]) -> ExrLayer | None:
    """What is shown when nothing was picked: the first part's colour (RGB/Y) layer, else the first layer."""
    return next((layer for layer in layers if layer.layer == DEFAULT_LAYER), layers[0] if layers else None)


def _source_for(request: OpenRequest, open_media: MediaOpener) -> FrameSource:
    if request.make_source is not None:
        return request.make_source()
    assert request.record is not None
    layer = request.layer
    choice = {} if layer is None else {"part": layer.part_index, "layer": layer.layer}
    return open_media(request.record.file_path, **choice)


def _probe(source: FrameSource, request: OpenRequest) -> Frame | None:
    frame = source.frame_range[0] if request.probe_frame is None else request.probe_frame
    if request.record is not None:
        return source.read(frame)  # a media that cannot show its first frame does not open
    try:
        return source.read(frame)
    except Exception:  # a playlist's gap or missing media: placeholders, the view still opens
        return None


def open_slot(request: OpenRequest, colour: ColourConfig, choice: DisplayChoice, *, resolve: InputResolver,
              policy: SlowPolicy, mode: LoopMode, open_media: MediaOpener = open_frame_source) -> MediaSlot:
    """Open ``request``: the one open path of the viewer (runs on the opener thread)."""
    import numpy as np
    source = _source_for(request, open_media)
    try:
        probe = _probe(source, request)
        dtype = probe.pixels.dtype if probe is not None else np.dtype(np.uint8)
        file_space = probe.colour_space if probe is not None else None
        layers: list[ExrLayer] = []
        space: InputColourSpace | None = None
        if request.record is not None:
            layers = exr_layers_of(source, source.frame_range[0])
            space = resolve(request.record, file_space, is_float=dtype.kind == "f")
            colour_space = space.name
        else:
            colour_space = colour.resolve_colour_space(file_space, is_float=dtype.kind == "f")
        settings = choice.settings(colour_space)
        per_frame = request.record is None
        recipe = gpu_recipe_for(colour, settings, dtype) if choice.use_gl else None
        convert = gpu_convert if choice.use_gl else cpu_convert(colour, settings, choice.channel, per_frame=per_frame)
        session = PlaybackSession(source, request.rate, convert=convert, policy=policy, mode=mode)
        if request.start_frame is not None:
            session.seek(request.start_frame)
    except Exception:
        source.close()
        raise
    size = (probe.width, probe.height) if probe is not None else FALLBACK_SIZE
    return MediaSlot(request.record, session, settings, recipe, size, Fraction(request.rate), dtype,
                     input_space=space, file_space=file_space or None, layers=layers,
                     layer=request.layer or default_layer(layers))


def build_recipe(request: RecipeRequest, colour: ColourConfig) -> GpuShaderRecipe:
    """The GL recipe a request asks for (runs on the opener thread)."""
    return gpu_recipe_for(colour, request.settings, request.dtype)
