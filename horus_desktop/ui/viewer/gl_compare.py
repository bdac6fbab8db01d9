"""Difference and onion-skin compare on the GPU: A and B are each drawn through their own OCIO view into an
offscreen buffer the size of the viewport, then one pass combines them into the viewport's framebuffer with
the formulas of media/display.py `blend` (|A - B| x gain; A x (1 - opacity) + B x opacity), on display values.

Call with the viewport's context current (inside ``beginNativePainting``).
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QOpenGLContext, QOpenGLFunctions
from PySide6.QtOpenGL import (
    QOpenGLFramebufferObject,
    QOpenGLShader,
    QOpenGLShaderProgram,
    QOpenGLVertexArrayObject,
)

from horus_desktop.media.colour import GpuShaderRecipe
from horus_desktop.ui.viewer.gl_renderer import GL_BLEND, GL_SCISSOR_TEST, GL_TRIANGLE_STRIP, OcioGlRenderer

log = logging.getLogger(__name__)

GL_FRAMEBUFFER = 0x8D40
GL_COLOR_BUFFER_BIT = 0x4000
MODES = {"diff": 0, "onion": 1}

_VERTEX = """#version 400 core
void main() {
    vec2 c = vec2(float(gl_VertexID & 1), float((gl_VertexID >> 1) & 1));
    gl_Position = vec4(c * 2.0 - 1.0, 0.0, 1.0);
}
"""

# Both buffers are viewport-sized, so a fragment reads the same texel of each. Outside A's rectangle A was
# cleared to alpha 0: nothing is drawn there (the view's background stays).
_FRAGMENT = """#version 400 core
out vec4 fragColor;
uniform sampler2D u_a;
uniform sampler2D u_b;
uniform int u_mode;
uniform float u_gain;
uniform float u_opacity;
void main() {
    ivec2 p = ivec2(gl_FragCoord.xy);
    vec4 a = texelFetch(u_a, p, 0);
    if (a.a == 0.0) { discard; }
    vec3 b = texelFetch(u_b, p, 0).rgb;
    vec3 c = u_mode == 0 ? abs(a.rgb - b) * u_gain : mix(a.rgb, b, u_opacity);
    fragColor = vec4(clamp(c, 0.0, 1.0), 1.0);
}
"""


class GlCompositor:
    """Offscreen buffers for A and B and the program that combines them."""

    def __init__(self) -> None:
        self._buffers: dict[str, QOpenGLFramebufferObject] = {}
        self._program: QOpenGLShaderProgram | None = None
        self._vao: QOpenGLVertexArrayObject | None = None
        self.error: str | None = None

    def _ensure(self, size: tuple[int, int]) -> bool:
        if self._program is None:
            program = QOpenGLShaderProgram()
            ok = program.addShaderFromSourceCode(QOpenGLShader.ShaderTypeBit.Vertex, _VERTEX)
            ok = ok and program.addShaderFromSourceCode(QOpenGLShader.ShaderTypeBit.Fragment, _FRAGMENT)
            ok = ok and program.link()
            if not ok:
                self.error = f"compare shader failed to compile: {program.log()[:500]}"
                log.error(self.error)
                return False
            self._program = program
            self._vao = QOpenGLVertexArrayObject()
            self._vao.create()
        for slot in ("A", "B"):
            fbo = self._buffers.get(slot)
            if fbo is None or (fbo.width(), fbo.height()) != size:
                self._buffers[slot] = QOpenGLFramebufferObject(size[0], size[1])
        return True

    def draw(
        self,
        renderer: OcioGlRenderer,
        draws: dict[str, tuple[GpuShaderRecipe, tuple[float, float, float, float]]],
        *,
        mode: str,
        gain: float,
        opacity: float,
        viewport_px: tuple[int, int],
        target_fbo: int,
        exposure: float = 0.0,
        gamma: float = 1.0,
        channel: str = "rgb",
    ) -> bool:
        """Draw A and B (``draws``: slot -> recipe and NDC rectangle) combined by ``mode`` into ``target_fbo``.

        B missing counts as black; without A nothing is drawn (False)."""
        if "A" not in draws or not self._ensure(viewport_px):
            return False
        gl: QOpenGLFunctions = QOpenGLContext.currentContext().functions()
        for slot in ("A", "B"):
            fbo = self._buffers[slot]
            fbo.bind()
            gl.glViewport(0, 0, *viewport_px)
            gl.glDisable(GL_SCISSOR_TEST)
            gl.glClearColor(0.0, 0.0, 0.0, 0.0)
            gl.glClear(GL_COLOR_BUFFER_BIT)
            if slot in draws:
                recipe, rect = draws[slot]
                if not renderer.draw(slot, recipe, rect, viewport_px=viewport_px, exposure=exposure, gamma=gamma,
                                     channel=channel) and slot == "A":
                    gl.glBindFramebuffer(GL_FRAMEBUFFER, target_fbo)
                    return False
        gl.glBindFramebuffer(GL_FRAMEBUFFER, target_fbo)
        gl.glViewport(0, 0, *viewport_px)
        gl.glDisable(GL_BLEND)
        assert self._program is not None and self._vao is not None
        program = self._program
        program.bind()
        self._vao.bind()
        gl.glActiveTexture(0x84C0)  # GL_TEXTURE0
        gl.glBindTexture(0x0DE1, self._buffers["A"].texture())  # GL_TEXTURE_2D
        gl.glActiveTexture(0x84C1)
        gl.glBindTexture(0x0DE1, self._buffers["B"].texture())
        program.setUniformValue1i(program.uniformLocation("u_a"), 0)
        program.setUniformValue1i(program.uniformLocation("u_b"), 1)
        program.setUniformValue1i(program.uniformLocation("u_mode"), MODES[mode])
        program.setUniformValue1f(program.uniformLocation("u_gain"), float(gain))
        program.setUniformValue1f(program.uniformLocation("u_opacity"), float(opacity))
        gl.glDrawArrays(GL_TRIANGLE_STRIP, 0, 4)
        gl.glBindTexture(0x0DE1, 0)
        gl.glActiveTexture(0x84C0)
        gl.glBindTexture(0x0DE1, 0)
        self._vao.release()
        program.release()
        return True

    def release(self) -> None:
        """Destroy GL objects (call with the context current)."""
        self._buffers.clear()
        if self._vao is not None:
            self._vao.destroy()
            self._vao = None
        self._program = None
