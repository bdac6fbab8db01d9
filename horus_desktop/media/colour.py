"""OpenColorIO display transforms: config loading, a baked-LUT CPU path and GPU shader recipes.

CPU path: the view (with gamma; exposure as a scale in front) is sampled once per settings on a 97^3 grid
into OCIO's own `Lut3DTransform` (tetrahedral), behind an ACEScct-curve shaper for scene-linear input. The LUT
cells that straddle a crease of the view (ACES 2.0's gamut-compression cusps) are found when baking, and the
pixels in them go through the exact processor, so the result is within 2 codes of it for every ACEScg colour
0..16 (tests/media/test_colour_accuracy.py). Every pixel type runs through media/lut_kernel.py: the shaper (a
table by each channel's bits; float32 by the half it rounds to), the LUT, the 8-bit rounding and the crease
check (is the cell the pixel was interpolated in creased?) in one compiled pass, the same codes as OCIO's
optimized processor on the same LUT. That processor (the half shaper a table over their 16 bits,
`half_shaper`) with a numpy look-up of the creased pixels (a pre-filter on the LUT's own 8-bit output, tiles
whose output box meets no creased cell's skipped, then a look-up by input bits: `fallback_pixels`) is the
path before the kernel, kept as the reference it is tested against (a bake with `lut4=None` takes it) and
timed beside it by `horus bench colour`. The exact
ACES 2.0 view costs ~1.2 s per 2K frame on this CPU; the bake ~1-1.5 s once (an exposure change re-uses it),
then the kernel ~15 ms a 2K half frame, its crease check included, against ~27-37 ms by OCIO's processor and
the look-up. A view whose exact processor would be cheap on the machine
(under EXACT_BUDGET_MS per 2K frame) keeps it instead.

GPU path: `gpu_recipe` hands the viewer OCIO's GLSL 4.0 shader, its LUT textures and its uniforms; exposure
and gamma are dynamic uniforms, so one recipe serves every exposure/gamma.

Exposure (stops) is applied in scene-linear (ExposureContrastTransform, LINEAR style, pivot 0.18); gamma g
is a display gamma applied to display code values as out = in^(1/g) (ExposureContrastTransform, VIDEO
style, gamma 1/g): the same transforms on both paths.

The CPU path's code (`BakedView` and its helpers, with numpy) is media/colour_baked.py, imported on the first
bake, so the window starts without numpy.

8-bit sources in a display-encoded sRGB/Rec.709 space shown on an sRGB display with exposure 0 and gamma 1
pass straight through (no float round trip).

Input colour space of a media (`resolve_input_colour_space`), first that applies:
1. the user's override: the media record's `color_space` with `extra_metadata["color_space_override"]`
   (ingest writes the probe's guess to `color_space` without the flag);
2. the config's OCIO file rules, when the config is the studio's own (not the built-in fallback, whose
   generic extension rules would outrank what an EXR says about itself) and a rule other than the
   default rule matches the path;
3. the project's default (`horus_project_configs.settings["input_colour_space"]`);
4. what the file says (the decoder's or probe's guess, see colour_defaults);
5. scene-linear for float pixels, sRGB otherwise.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import PyOpenColorIO as ocio

from horus_desktop.media.colour_defaults import SRGB_ENCODED, SRGB_LIKE_SPACES, InputColourSpace

if TYPE_CHECKING:  # numpy and the CPU path load with media/colour_baked.py, on the first bake
    import numpy as np

    from horus_desktop.media.colour_baked import BakedView

BUILTIN_CONFIG = "ocio://studio-config-latest"
LUT_SIZE = 97
FLAG_SECOND_DIFFERENCE = 6.0  # codes: a LUT cell near one this curved goes through the exact processor
BLACK_RISE = 3.0  # codes: x^(1/2.2) interpolated straight from black misses by up to ~0.3 of the rise
EXACT_BUDGET_MS = 60.0
_BAKE_CACHE_SIZE = 16

# ACEScct's curve (log2 above 2^-7, the matching straight line below) as an OCIO LogCameraTransform.
_ACESCCT_LOG_SLOPE = 1.0 / 17.52
_ACESCCT_LOG_OFFSET = 9.72 / 17.52
_ACESCCT_BREAK = 0.0078125
_ACESCCT_LINEAR = (10.5402377416545, 0.0729055341958355)  # the straight part's slope and offset
_CELL_MARGIN = 2e-3  # of a LUT cell: numpy's ACEScct and OCIO's agree within 1e-4 cells

@dataclass(frozen=True)
class ViewSettings:
    """What to show: source colour space -> display/view, with exposure (stops) and display gamma."""

    colour_space: str
    display: str
    view: str
    exposure: float = 0.0
    gamma: float = 1.0


class ColourConfig:
    """An OCIO config: a project's path, else `$OCIO`, else the built-in ACES studio config."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or os.environ.get("OCIO") or BUILTIN_CONFIG
        self.config = ocio.Config.CreateFromFile(self.path)
        self._lock = threading.Lock()
        self._bakes: OrderedDict[tuple, BakedView] = OrderedDict()
        self._recipes: dict[tuple, GpuShaderRecipe] = {}
        self._resolved: dict[tuple[str | None, bool], str] = {}

    def __repr__(self) -> str:
        return f"ColourConfig({self.path!r})"

    def displays(self) -> list[str]:
        """Display names."""
        return list(self.config.getDisplays())

    def views(self, display: str) -> list[str]:
        """View names of a display."""
        return list(self.config.getViews(display))

    def default_display(self) -> str:
        """The config's default display."""
        return self.config.getDefaultDisplay()

    def default_view(self, display: str | None = None) -> str:
        """The default view of a display (of the default display if None)."""
        return self.config.getDefaultView(display or self.default_display())

    def colour_spaces(self) -> list[str]:
        """All colour space names."""
        return [cs.getName() for cs in self.config.getColorSpaces()]

    def resolve_colour_space(self, name: str | None, *, is_float: bool) -> str:
        """`name` if the config knows it (or an alias), else scene_linear for float and sRGB otherwise.

        Remembered per name (the config does not change): the CPU path resolves every frame's colour space,
        and OCIO's look-ups by name cost ~0.3 ms each."""
        key = (name, is_float)
        resolved = self._resolved.get(key)
        if resolved is None:
            resolved = self._resolved[key] = self._resolve_colour_space(name, is_float=is_float)
        return resolved

    def _resolve_colour_space(self, name: str | None, *, is_float: bool) -> str:
        if name and self.config.getColorSpace(name) is not None:
            return self.config.getColorSpace(name).getName()
        if is_float:
            return self.config.getRoleColorSpace(ocio.ROLE_SCENE_LINEAR) or "ACEScg"
        return SRGB_ENCODED if self.config.getColorSpace(SRGB_ENCODED) is not None else "Raw"

    def known_space(self, name: str | None) -> str | None:
        """The config's name for a colour space (or alias), None if it has none."""
        if not name:
            return None
        cs = self.config.getColorSpace(name)
        return cs.getName() if cs is not None else None

    def uses_own_file_rules(self) -> bool:
        """True for a studio's own config with file rules beyond the default rule (the built-in fallback's
        generic rules, e.g. every .exr as ACES2065-1, are not used: they would outrank the file's own word)."""
        return not self.path.startswith("ocio://") and self.config.getFileRules().getNumEntries() > 1

    def file_rule_colour_space(self, path: str) -> str | None:
        """The colour space the config's file rules give a path, None when only the default rule matches."""
        if not path or not self.uses_own_file_rules() or self.config.filepathOnlyMatchesDefaultRule(path):
            return None
        name = self.config.getColorSpaceFromFilepath(path)
        return self.known_space(name[0] if isinstance(name, tuple) else name)

    def resolve_input_colour_space(
        self, *, path: str, record_space: str | None = None, override: bool = False,
        project_default: str | None = None, file_space: str | None = None, is_float: bool,
    ) -> InputColourSpace:
        """A media's input colour space, in the order of the module docstring."""
        if override and self.known_space(record_space):
            return InputColourSpace(self.known_space(record_space) or "", "override")
        by_rule = self.file_rule_colour_space(path)
        if by_rule:
            return InputColourSpace(by_rule, "file rule")
        if self.known_space(project_default):
            return InputColourSpace(self.known_space(project_default) or "", "project default")
        for guess in (file_space, record_space):
            if self.known_space(guess):
                return InputColourSpace(self.known_space(guess) or "", "file")
        return InputColourSpace(self.resolve_colour_space(None, is_float=is_float), "default")

    def default_settings(self, colour_space: str, *, is_float: bool = True) -> ViewSettings:
        """Settings for the default display and view."""
        display = self.default_display()
        return ViewSettings(self.resolve_colour_space(colour_space, is_float=is_float), display,
                            self.default_view(display))

    def is_scene_linear(self, colour_space: str) -> bool:
        """True when the colour space's encoding is scene-linear (float data that needs a log shaper)."""
        cs = self.config.getColorSpace(colour_space)
        return cs is not None and cs.getEncoding() == "scene-linear"

    def exact_processor(self, settings: ViewSettings, *, dynamic: bool = False) -> ocio.Processor:
        """OCIO's own processor for the view with exposure and gamma (dynamic: as GPU uniforms)."""
        pipeline = ocio.LegacyViewingPipeline()
        pipeline.setDisplayViewTransform(
            ocio.DisplayViewTransform(src=settings.colour_space, display=settings.display, view=settings.view)
        )
        exposure = ocio.ExposureContrastTransform(
            style=ocio.EXPOSURE_CONTRAST_LINEAR, exposure=settings.exposure, pivot=0.18
        )
        gamma = ocio.ExposureContrastTransform(
            style=ocio.EXPOSURE_CONTRAST_VIDEO, gamma=1.0 / settings.gamma, pivot=1.0
        )
        if dynamic:
            exposure.makeExposureDynamic()
            gamma.makeGammaDynamic()
        # Neutral static corrections are left out: their pow() would double a cheap view's CPU cost.
        if dynamic or settings.exposure != 0.0:
            pipeline.setLinearCC(exposure)
        if dynamic or settings.gamma != 1.0:
            pipeline.setDisplayCC(gamma)
        return pipeline.getProcessor(self.config)

    def baked_view(self, settings: ViewSettings, source_dtype: np.dtype, method: str = "auto") -> BakedView:
        """The baked CPU transform for these settings and input pixel type (cached, LRU)."""
        import numpy as np

        from horus_desktop.media.colour_baked import BakedView

        key = (settings, np.dtype(source_dtype).str, method)
        with self._lock:
            baked = self._bakes.get(key)
            if baked is not None:
                self._bakes.move_to_end(key)
                return baked
        # Scene-linear values need the log shaper whatever their type: a 16-bit linear TIFF sampled straight
        # (96 cells over 0..1) missed the exact view by up to 8 codes in its darks, where the view is steepest.
        shaper = self.is_scene_linear(settings.colour_space)
        baked = None
        if shaper and settings.exposure != 0.0 and method != "exact":
            # Exposure scales scene-linear input: the LUT of the view at exposure 0 serves every exposure
            # behind a scale, so dragging the exposure does not bake again.
            base = self.baked_view(replace(settings, exposure=0.0), source_dtype, method)
            baked = base.exposed(self, settings) if base.method == "lut3d" else None
        if baked is None:
            baked = BakedView.bake(self, settings, np.dtype(source_dtype), shaper, method)
        with self._lock:
            self._bakes[key] = baked
            while len(self._bakes) > _BAKE_CACHE_SIZE:
                self._bakes.popitem(last=False)
        return baked

    def to_display(self, pixels: np.ndarray, settings: ViewSettings,
                   sample: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
        """Whole frame (or its pixels at ``sample``'s rows and columns) -> uint8 display pixels (RGB or RGBA as
        the input), by the baked CPU path."""
        if passes_through(pixels, settings):
            import numpy as np

            return pixels if sample is None else np.ascontiguousarray(pixels[np.ix_(*sample)])
        return self.baked_view(settings, pixels.dtype).apply(pixels, sample)

    def gpu_recipe(self, colour_space: str, display: str, view: str) -> GpuShaderRecipe:
        """The GLSL 4.0 shader, LUT textures and uniforms for a view (cached per colour space/display/view)."""
        key = (colour_space, display, view)
        with self._lock:
            recipe = self._recipes.get(key)
        if recipe is None:
            recipe = GpuShaderRecipe.build(self, ViewSettings(colour_space, display, view))
            with self._lock:
                self._recipes[key] = recipe
        return recipe


def passes_through(pixels: np.ndarray, settings: ViewSettings) -> bool:
    """True for 8-bit sRGB/Rec.709 pixels on an sRGB display with neutral exposure and gamma."""
    return (
        pixels.dtype == "uint8"  # numpy's dtype equals its name: numpy need not be imported here
        and settings.colour_space in SRGB_LIKE_SPACES
        and "srgb" in settings.display.lower()
        and settings.exposure == 0.0
        and settings.gamma == 1.0
    )


@dataclass(frozen=True)
class LutTexture:
    """One OCIO LUT texture to upload: `values` is float32, `channels` 1 (red) or 3 (RGB)."""

    texture_name: str
    sampler_name: str
    width: int
    height: int
    depth: int
    dimensions: int
    channels: int
    interpolation: str
    values: np.ndarray = field(compare=False, repr=False)


@dataclass(frozen=True)
class ShaderUniform:
    """One uniform of the shader and its value now; `kind` is double, bool, float3, floats or ints."""

    name: str
    kind: str
    value: Any


@dataclass(frozen=True, eq=False)
class GpuShaderRecipe:
    """Everything the viewer needs to apply a view on the GPU, with no Qt in it.

    Prepend `#version 400 core`; call `function_name(vec4)` on each texel; bind the textures under their
    sampler names; set the uniforms, using `uniform_values(exposure, gamma)` for the dynamic ones.
    """

    colour_space: str
    display: str
    view: str
    shader_text: str
    function_name: str
    textures: tuple[LutTexture, ...]
    uniforms: tuple[ShaderUniform, ...]
    exposure_uniform: str | None
    gamma_uniform: str | None

    @classmethod
    def build(cls, colour: ColourConfig, settings: ViewSettings) -> GpuShaderRecipe:
        """Extract OCIO's GLSL 4.0 shader for the view, exposure and gamma as dynamic uniforms."""
        import numpy as np

        processor = colour.exact_processor(settings, dynamic=True)
        desc = ocio.GpuShaderDesc.CreateShaderDesc(language=ocio.GPU_LANGUAGE_GLSL_4_0)
        processor.getDefaultGPUProcessor().extractGpuShaderInfo(desc)
        textures = [
            LutTexture(
                t.textureName, t.samplerName, t.width, t.height, 0,
                1 if t.dimensions == ocio.GpuShaderDesc.TEXTURE_1D else 2,
                1 if t.channel == ocio.GpuShaderDesc.TEXTURE_RED_CHANNEL else 3,
                "nearest" if t.interpolation == ocio.INTERP_NEAREST else "linear",
                np.asarray(t.getValues(), dtype=np.float32),
            )
            for t in desc.getTextures()
        ]
        textures += [
            LutTexture(t.textureName, t.samplerName, t.edgeLen, t.edgeLen, t.edgeLen, 3, 3,
                       "nearest" if t.interpolation == ocio.INTERP_NEAREST else "linear",
                       np.asarray(t.getValues(), dtype=np.float32))
            for t in desc.get3DTextures()
        ]
        uniforms = tuple(_uniform(name, data) for name, data in desc.getUniforms())
        names = [u.name for u in uniforms]
        return cls(
            settings.colour_space, settings.display, settings.view, desc.getShaderText(),
            desc.getFunctionName(), tuple(textures), uniforms,
            next((n for n in names if n.endswith("exposureVal")), None),
            next((n for n in names if n.endswith("gammaVal")), None),
        )

    def uniform_values(self, exposure: float = 0.0, gamma: float = 1.0) -> dict[str, Any]:
        """All uniform values for this exposure (stops) and display gamma."""
        values = {u.name: u.value for u in self.uniforms}
        if self.exposure_uniform:
            values[self.exposure_uniform] = float(exposure)
        if self.gamma_uniform:
            values[self.gamma_uniform] = 1.0 / float(gamma)
        return values


def _uniform(name: str, data: Any) -> ShaderUniform:
    import numpy as np

    kind = data.type
    if kind == ocio.UNIFORM_DOUBLE:
        return ShaderUniform(name, "double", data.getDouble())
    if kind == ocio.UNIFORM_BOOL:
        return ShaderUniform(name, "bool", data.getBool())
    if kind == ocio.UNIFORM_FLOAT3:
        return ShaderUniform(name, "float3", tuple(data.getFloat3()))
    if kind == ocio.UNIFORM_VECTOR_FLOAT:
        return ShaderUniform(name, "floats", np.asarray(data.getVectorFloat(), dtype=np.float32))
    return ShaderUniform(name, "ints", np.asarray(data.getVectorInt(), dtype=np.int32))


_default_config: ColourConfig | None = None
_default_lock = threading.Lock()


def default_colour_config() -> ColourConfig:
    """The process-wide config from `$OCIO` or the built-in studio config (created once)."""
    global _default_config
    with _default_lock:
        if _default_config is None:
            _default_config = ColourConfig()
        return _default_config
