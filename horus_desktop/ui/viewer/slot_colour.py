"""Keeps the open slots' colour in step with the colour bar and the input colour space: a new CPU conversion
in the decode workers, or (GL) new shader recipes built on the opener thread. The conversions and recipe
choice themselves are the display pipeline's (media/display.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from horus_desktop.media.colour import ColourConfig, ViewSettings
from horus_desktop.media.colour_defaults import InputColourSpace
from horus_desktop.media.display import cpu_convert, gpu_view_for
from horus_desktop.playback.media_slot import MediaSlot, RecipeRequest
from horus_desktop.playback.opening import DisplayChoice, OpenFailed, RecipeBuilt
from horus_desktop.playback.session import ShownFrame
from horus_desktop.playback.viewer_state import ViewerState
from horus_desktop.ui.viewer.colour_bar import DisplayOptions
from horus_desktop.ui.viewer.opener import Opener
from horus_desktop.ui.viewer.view import LayerState, ViewerView


class SlotColour:
    """The display options in force and the colour of each open slot."""

    def __init__(self, colour: ColourConfig, use_gl: bool, options: DisplayOptions, state: ViewerState,
                 opener: Opener, view: ViewerView, message: Callable[[str], None]) -> None:
        self.colour, self.use_gl, self.options = colour, use_gl, options
        self._state, self._opener, self._view, self._message = state, opener, view, message

    def choice(self) -> DisplayChoice:
        """How a media opened now is shown."""
        o = self.options
        return DisplayChoice(self.use_gl, o.display, o.view, o.exposure, o.gamma, o.channel)

    def set_options(self, options: DisplayOptions) -> None:
        """The colour bar changed: restyle every open slot."""
        previous, self.options = self.options, options
        self._view.set_display_options(exposure=options.exposure, gamma=options.gamma, channel=options.channel)
        view_changed = (options.display, options.view) != (previous.display, previous.view)
        for name, slot in self._state.slots.items():
            if slot is not None:
                self._restyle(name, slot, replace(slot.settings, display=options.display, view=options.view,
                                                  exposure=options.exposure, gamma=options.gamma), view_changed)

    def apply_input_space(self, name: str, space: InputColourSpace) -> None:
        """Read an open slot's media in another input colour space (menu, project default)."""
        slot = self._state.slots.get(name)
        if slot is None:
            return
        slot.input_space = space
        if space.name != slot.settings.colour_space:
            self._restyle(name, slot, replace(slot.settings, colour_space=space.name), False)

    def _restyle(self, name: str, slot: MediaSlot, settings: ViewSettings, view_changed: bool) -> None:
        """New view settings for a slot: a new shader (GL) or a new conversion in the decode workers (CPU)."""
        slot.restyled(settings)
        if self.use_gl:
            wanted = (settings.colour_space, settings.display, gpu_view_for(self.colour, settings, slot.source_dtype))
            current = (slot.recipe.colour_space, slot.recipe.display, slot.recipe.view) if slot.recipe else None
            if view_changed or wanted != current:
                self._opener.build(RecipeRequest(name, slot, settings, slot.source_dtype))
        else:
            convert = cpu_convert(self.colour, settings, self.options.channel, per_frame=slot.per_frame)
            self._opener.retire(slot.session.set_convert(convert))

    def layer_state(self, name: str, slot: MediaSlot, shown: ShownFrame) -> LayerState:
        """What the view shows for a frame of a slot: the frame, its GL recipe (built if missing), its size."""
        recipe = slot.recipe
        if self.use_gl:
            recipe, missing = slot.recipe_for(name, self.colour, shown)
            if missing is not None:
                self._opener.build(missing)
        size = shown.image_size if shown.pixels is not None else slot.size  # a reduced frame: the full size
        return LayerState(shown, recipe, size)

    def recipe_arrived(self, result: RecipeBuilt | OpenFailed) -> None:
        """A recipe was built (or failed): the slot takes it and the frame on screen is redrawn with it."""
        request = result.request
        assert isinstance(request, RecipeRequest)
        if isinstance(result, OpenFailed):
            if request.key is not None:
                request.slot.recipes_pending.discard(request.key)
            self._message(f"Colour: {result.error}")
            return
        slot = request.slot
        if self._state.slots.get(request.slot_name) is not slot:
            return
        slot.take_recipe(request, result.recipe)
        state = self._view.layer(request.slot_name).state
        if state.item is None:
            if request.key is None:
                self._view.set_frame(request.slot_name, LayerState(None, slot.recipe, state.size))
            return
        self._view.set_frame(request.slot_name, self.layer_state(request.slot_name, slot, state.item))
