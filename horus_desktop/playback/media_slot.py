"""An opened media slot (A or B) and the GL recipe each of its frames is drawn with (no Qt).

A media has one shader recipe; a playlist's clips each have their own colour space, so its frames may need
other recipes: `MediaSlot.recipe_for` says which one a frame uses and which one must still be built (off the
UI thread); until it is built the frame shows with the slot's own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from horus_desktop.domain.records import MediaRecord
from horus_desktop.domain.timecode import frame_to_timecode, media_start_timecode, source_timecode
from horus_desktop.media.colour import ColourConfig, GpuShaderRecipe, ViewSettings
from horus_desktop.media.colour_defaults import InputColourSpace
from horus_desktop.media.display import RecipeKey, frame_settings, key_of, recipe_key
from horus_desktop.media.exr_layers import ExrLayer
from horus_desktop.playback.session import PlaybackSession, ShownFrame

if TYPE_CHECKING:  # numpy loads when a media opens, not before the window shows
    import numpy as np


def _half_dtype() -> np.dtype:
    """float16, a slot's pixel type until its first frame says otherwise."""
    import numpy as np

    return np.dtype(np.float16)


@dataclass(frozen=True)
class RecipeRequest:
    """A GL recipe to build off the UI thread for a slot: the slot's own (``key`` None) or a frame's."""

    slot_name: str
    slot: MediaSlot
    settings: ViewSettings
    dtype: np.dtype
    key: RecipeKey | None = None


@dataclass(eq=False)
class MediaSlot:
    """One opened media: its record (None for a playlist), playback session and colour settings."""

    record: MediaRecord | None
    session: PlaybackSession
    settings: ViewSettings
    recipe: GpuShaderRecipe | None
    size: tuple[int, int]
    rate: Fraction
    source_dtype: np.dtype = field(default_factory=_half_dtype)
    # A playlist's clips each have their own colour space: GL recipes per (space, display, view, pixel type),
    # and, so a tick does no OCIO lookups, each frame tag's (colour space, pixel type) settings and recipe key.
    recipes: dict[RecipeKey, GpuShaderRecipe] = field(default_factory=dict)
    recipes_pending: set[RecipeKey] = field(default_factory=set)
    frame_views: dict[tuple[str, str], tuple[ViewSettings, RecipeKey]] = field(default_factory=dict)
    # The input colour space in use and why; the colour space the file itself gave (the fallback).
    input_space: InputColourSpace | None = None
    file_space: str | None = None
    # A multi-part / multi-layer EXR's parts and layers, and the one shown.
    layers: list[ExrLayer] = field(default_factory=list)
    layer: ExrLayer | None = None

    @property
    def per_frame(self) -> bool:
        """True for a playlist: each frame is shown in the view of its own colour space."""
        return self.record is None

    def restyled(self, settings: ViewSettings) -> None:
        """New view settings: the per-frame recipes made for the old ones no longer apply."""
        self.settings = settings
        self.recipes.clear()
        self.recipes_pending.clear()
        self.frame_views.clear()

    def recipe_for(self, name: str, colour: ColourConfig, shown: ShownFrame) -> tuple[GpuShaderRecipe | None,
                                                                                     RecipeRequest | None]:
        """The GL recipe to draw ``shown`` with now, and the recipe to build for it (None: nothing to build).

        A media's frames all use the slot's recipe; a playlist frame of another colour space its own."""
        if not self.per_frame or shown.pixels is None:
            return self.recipe, None
        dtype = shown.pixels.dtype
        view = self.frame_views.get((shown.colour_space, dtype.str))
        if view is None:
            settings = frame_settings(colour, self.settings, shown.colour_space, dtype)
            view = self.frame_views[(shown.colour_space, dtype.str)] = (settings, recipe_key(colour, settings, dtype))
        settings, key = view
        own = self.recipe
        if own is not None and key == key_of(own, self.source_dtype):
            return own, None
        recipe = self.recipes.get(key)
        if recipe is None and key not in self.recipes_pending:
            self.recipes_pending.add(key)
            return self.recipe, RecipeRequest(name, self, settings, dtype, key)
        return recipe or self.recipe, None

    def take_recipe(self, request: RecipeRequest, recipe: GpuShaderRecipe) -> None:
        """A recipe built for ``request`` arrived."""
        if request.key is None:
            self.recipe = recipe
        else:
            self.recipes_pending.discard(request.key)
            self.recipes[request.key] = recipe

    def timecode(self, frame: int) -> str:
        """The timecode shown for ``frame``: the file's source timecode when it gave one, else counted from
        frame 0 at the slot's rate."""
        if self.record is None:
            return frame_to_timecode(frame, self.rate)
        start, first = media_start_timecode(self.record, self.session.media_range[0])
        return source_timecode(frame, first, start, self.rate)


