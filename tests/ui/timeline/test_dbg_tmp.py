from .test_timeline_dock import _open, _drag, _point
def test_dbg(qtbot, make_window, demo_store, playlist):
    window = make_window(demo_store)
    panel = _open(qtbot, window, playlist)
    view = panel.view
    msgs = []
    panel.sig_message.connect(msgs.append)
    view.user_seek(30)
    view.sig_trim_clip.connect(lambda *a: print("trim", a))
    _drag(view, _point(view, 11.95), _point(view, 8))
    qtbot.waitUntil(lambda: panel.state.clips()[0].duration == 8, timeout=5000)
    p = _point(view, 0.05)
    print(p, view.x_of_frame(0), [type(i).__name__ for i in view.items(p)])
    _drag(view, p, _point(view, 2))
    qtbot.wait(500)
    print(msgs, panel.state.clips()[0])
