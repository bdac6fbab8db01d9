"""Draw frames with OCIO's GPU shader inside a QOpenGLWidget-backed QGraphicsView (no readback).

The recipe (GLSL + LUT textures + uniforms) comes from the media engine's `ColourConfig.gpu_recipe`; this
module compiles it once per (colour space, display, view), uploads frames as textures and draws each one
into a rectangle of the viewport, optionally clipped (the A/B wipe). Must be called with the viewport's
context current (inside `beginNativePainting`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from PySide6.QtGui import QOpenGLContext, QOpenGLFunctions, QVector3D
from PySide6.QtOpenGL import (
    QOpenGLPixelTransferOptions,
    QOpenGLShader,
    QOpenGLShaderProgram,
    QOpenGLTexture,
    QOpenGLVertexArrayObject,
)

from horus_desktop.media.colour import GpuShaderRecipe, LutTexture
from horus_desktop.media.display import upload_ready

log = logging.getLogger(__name__)

GL_TRIANGLE_STRIP = 0x0005
GL_BLEND = 0x0BE2
GL_DEPTH_TEST = 0x0B71
GL_SCISSOR_TEST = 0x0C11

CHANNELS = {"rgb": 0, "r": 1, "g": 2, "b": 3, "a": 4, "luminance": 5}

_VERTEX = """#version 400 core
uniform vec4 u_rect;
out vec2 v_uv;
void main() {
    vec2 c = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    v_uv = c;
    gl_Position = vec4(mix(u_rect.xy, u_rect.zw, c), 0.0, 1.0);
}
"""

_FRAGMENT_HEAD = """#version 400 core
in vec2 v_uv;
out vec4 fragColor;
uniform sampler2D u_image;
uniform vec2 u_size;
uniform int u_channel;
uniform int u_has_alpha;
"""

_FRAGMENT_MAIN = """
void main() {
    ivec2 p = clamp(ivec2(v_uv * u_size), ivec2(0), ivec2(u_size) - ivec2(1));
    vec4 src = texelFetch(u_image, p, 0);
    if (u_has_alpha == 0) { src.a = 1.0; }
    vec4 c = %s(src);
    vec3 rgb = c.rgb;
    if (u_channel == 1) { rgb = vec3(c.r); }
    else if (u_channel == 2) { rgb = vec3(c.g); }
    else if (u_channel == 3) { rgb = vec3(c.b); }
    else if (u_channel == 4) { rgb = vec3(src.a); }
    else if (u_channel == 5) { rgb = vec3(dot(c.rgb, vec3(0.2126, 0.7152, 0.0722))); }
    fragColor = vec4(clamp(rgb, 0.0, 1.0), 1.0);
}
"""

_FORMATS = {
    (np.dtype(np.float16), 3): (QOpenGLTexture.TextureFormat.RGB16F, QOpenGLTexture.PixelFormat.RGB,
                                QOpenGLTexture.PixelType.Float16),
    (np.dtype(np.float16), 4): (QOpenGLTexture.TextureFormat.RGBA16F, QOpenGLTexture.PixelFormat.RGBA,
                                QOpenGLTexture.PixelType.Float16),
    (np.dtype(np.float32), 3): (QOpenGLTexture.TextureFormat.RGB32F, QOpenGLTexture.PixelFormat.RGB,
                                QOpenGLTexture.PixelType.Float32),
    (np.dtype(np.float32), 4): (QOpenGLTexture.TextureFormat.RGBA32F, QOpenGLTexture.PixelFormat.RGBA,
                                QOpenGLTexture.PixelType.Float32),
    (np.dtype(np.uint8), 3): (QOpenGLTexture.TextureFormat.RGB8_UNorm, QOpenGLTexture.PixelFormat.RGB,
                              QOpenGLTexture.PixelType.UInt8),
    (np.dtype(np.uint8), 4): (QOpenGLTexture.TextureFormat.RGBA8_UNorm, QOpenGLTexture.PixelFormat.RGBA,
                              QOpenGLTexture.PixelType.UInt8),
    (np.dtype(np.uint16), 3): (QOpenGLTexture.TextureFormat.RGB16_UNorm, QOpenGLTexture.PixelFormat.RGB,
                               QOpenGLTexture.PixelType.UInt16),
    (np.dtype(np.uint16), 4): (QOpenGLTexture.TextureFormat.RGBA16_UNorm, QOpenGLTexture.PixelFormat.RGBA,
                               QOpenGLTexture.PixelType.UInt16),
}


@dataclass
class _ImageTexture:
    texture: QOpenGLTexture
    key: object
    shape: tuple[int, ...]
    dtype: np.dtype


class _Program:
    """A linked shader for one recipe and that recipe's LUT textures."""

    def __init__(self, recipe: GpuShaderRecipe) -> None:
        self.recipe = recipe
        self.program = QOpenGLShaderProgram()
        fragment = _FRAGMENT_HEAD + recipe.shader_text + _FRAGMENT_MAIN % recipe.function_name
        ok = self.program.addShaderFromSourceCode(QOpenGLShader.ShaderTypeBit.Vertex, _VERTEX)
        ok = ok and self.program.addShaderFromSourceCode(QOpenGLShader.ShaderTypeBit.Fragment, fragment)
        ok = ok and self.program.link()
        self.error = None if ok else f"OCIO shader failed to compile: {self.program.log()[:500]}"
        self.luts = [(lut, _make_lut_texture(lut)) for lut in recipe.textures] if ok else []

    def destroy(self) -> None:
        for _lut, texture in self.luts:
            texture.destroy()
        self.luts = []


class OcioGlRenderer:
    """Compiled OCIO view shaders (one per colour space/display/view), LUTs and the slots' frame textures."""

    def __init__(self) -> None:
        self._programs: dict[tuple[str, str, str], _Program] = {}
        self._images: dict[str, _ImageTexture] = {}
        self._vao: QOpenGLVertexArrayObject | None = None
        self.error: str | None = None

    def _program_for(self, recipe: GpuShaderRecipe) -> _Program | None:
        key = (recipe.colour_space, recipe.display, recipe.view)
        program = self._programs.get(key)
        if program is None or program.recipe is not recipe:
            if program is not None:
                program.destroy()
            program = _Program(recipe)
            self._programs[key] = program
            if program.error:
                log.error(program.error)
        if self._vao is None:
            self._vao = QOpenGLVertexArrayObject()
            self._vao.create()
        self.error = program.error
        return None if program.error else program

    def upload(self, slot: str, key: object, pixels: np.ndarray) -> None:
        """Put ``pixels`` in the texture of ``slot`` unless ``key`` is already there."""
        current = self._images.get(slot)
        if current is not None and current.key == key:
            return
        pixels = upload_ready(pixels)
        fmt, pixel_format, pixel_type = _FORMATS[(pixels.dtype, pixels.shape[2])]
        if current is None or current.shape != pixels.shape or current.dtype != pixels.dtype:
            if current is not None:
                current.texture.destroy()
            texture = QOpenGLTexture(QOpenGLTexture.Target.Target2D)
            texture.setFormat(fmt)
            texture.setSize(pixels.shape[1], pixels.shape[0])
            texture.setMinMagFilters(QOpenGLTexture.Filter.Nearest, QOpenGLTexture.Filter.Nearest)
            texture.setWrapMode(QOpenGLTexture.WrapMode.ClampToEdge)
            texture.allocateStorage()
            current = _ImageTexture(texture, None, pixels.shape, pixels.dtype)
            self._images[slot] = current
        options = QOpenGLPixelTransferOptions()
        options.setAlignment(1)
        current.texture.setData(pixel_format, pixel_type, pixels, options)
        current.key = key

    def has_image(self, slot: str) -> bool:
        """True when a frame was uploaded for ``slot``."""
        return slot in self._images

    def draw(
        self,
        slot: str,
        recipe: GpuShaderRecipe,
        ndc_rect: tuple[float, float, float, float],
        *,
        viewport_px: tuple[int, int],
        scissor_px: tuple[int, int, int, int] | None = None,
        exposure: float = 0.0,
        gamma: float = 1.0,
        channel: str = "rgb",
    ) -> bool:
        """Draw the texture of ``slot`` into ``ndc_rect`` (x0, y0, x1, y1: top-left, bottom-right)."""
        image = self._images.get(slot)
        compiled = self._program_for(recipe) if image is not None else None
        if image is None or compiled is None:
            return False
        assert self._vao is not None
        context = QOpenGLContext.currentContext()
        gl: QOpenGLFunctions = context.functions()
        gl.glViewport(0, 0, viewport_px[0], viewport_px[1])
        gl.glDisable(GL_BLEND)
        gl.glDisable(GL_DEPTH_TEST)
        if scissor_px is not None:
            gl.glEnable(GL_SCISSOR_TEST)
            gl.glScissor(*scissor_px)
        program = compiled.program
        program.bind()
        self._vao.bind()
        image.texture.bind(0)
        program.setUniformValue1i(program.uniformLocation("u_image"), 0)
        program.setUniformValue(program.uniformLocation("u_rect"), *ndc_rect)
        program.setUniformValue(program.uniformLocation("u_size"), float(image.shape[1]), float(image.shape[0]))
        program.setUniformValue1i(program.uniformLocation("u_channel"), CHANNELS.get(channel, 0))
        program.setUniformValue1i(program.uniformLocation("u_has_alpha"), 1 if image.shape[2] == 4 else 0)
        for unit, (lut, texture) in enumerate(compiled.luts, start=1):
            texture.bind(unit)
            program.setUniformValue1i(program.uniformLocation(lut.sampler_name), unit)
        for name, value in recipe.uniform_values(exposure, gamma).items():
            _set_uniform(gl, program, name, value)
        gl.glDrawArrays(GL_TRIANGLE_STRIP, 0, 4)
        for unit, (_lut, texture) in enumerate(compiled.luts, start=1):
            texture.release(unit)
        image.texture.release(0)
        self._vao.release()
        program.release()
        if scissor_px is not None:
            gl.glDisable(GL_SCISSOR_TEST)
        return True

    def release(self) -> None:
        """Destroy GL objects (call with the context current)."""
        for program in self._programs.values():
            program.destroy()
        self._programs.clear()
        for image in self._images.values():
            image.texture.destroy()
        self._images.clear()
        if self._vao is not None:
            self._vao.destroy()
            self._vao = None


def _set_uniform(gl: QOpenGLFunctions, program: QOpenGLShaderProgram, name: str, value: object) -> None:
    location = program.uniformLocation(name)
    if location < 0:
        return
    if isinstance(value, bool):
        program.setUniformValue1i(location, int(value))
    elif isinstance(value, int | float):
        program.setUniformValue1f(location, float(value))
    elif isinstance(value, tuple) and len(value) == 3:
        program.setUniformValue(location, QVector3D(*value))
    elif isinstance(value, np.ndarray) and value.dtype == np.int32:
        # setUniformValueArray picks the unsigned overload and overflows on OCIO's -1 offsets.
        gl.glUniform1iv(location, len(value), value)
    elif isinstance(value, np.ndarray):
        gl.glUniform1fv(location, len(value), np.ascontiguousarray(value, dtype=np.float32))


def _make_lut_texture(lut: LutTexture) -> QOpenGLTexture:
    rgb = lut.channels == 3
    if lut.dimensions == 3:
        texture = QOpenGLTexture(QOpenGLTexture.Target.Target3D)
        texture.setSize(lut.width, lut.height, lut.depth)
    elif lut.dimensions == 2 and lut.height > 1:
        texture = QOpenGLTexture(QOpenGLTexture.Target.Target2D)
        texture.setSize(lut.width, lut.height)
    elif lut.dimensions == 2:
        texture = QOpenGLTexture(QOpenGLTexture.Target.Target2D)
        texture.setSize(lut.width, 1)
    else:
        texture = QOpenGLTexture(QOpenGLTexture.Target.Target1D)
        texture.setSize(lut.width)
    texture.setFormat(QOpenGLTexture.TextureFormat.RGB32F if rgb else QOpenGLTexture.TextureFormat.R32F)
    nearest = lut.interpolation == "nearest"
    filt = QOpenGLTexture.Filter.Nearest if nearest else QOpenGLTexture.Filter.Linear
    texture.setMinMagFilters(filt, filt)
    texture.setWrapMode(QOpenGLTexture.WrapMode.ClampToEdge)
    texture.allocateStorage()
    options = QOpenGLPixelTransferOptions()
    options.setAlignment(1)
    texture.setData(QOpenGLTexture.PixelFormat.RGB if rgb else QOpenGLTexture.PixelFormat.Red,
                    QOpenGLTexture.PixelType.Float32, np.ascontiguousarray(lut.values, dtype=np.float32), options)
    return texture
