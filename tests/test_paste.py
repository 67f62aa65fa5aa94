"""A bracketed paste with no end stops holding the keyboard after PASTE_TIMEOUT (the parser, with a fake clock)."""

from textual import events

from preview_tui.ui.paste import PASTE_TIMEOUT, PasteTimeoutParser


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def described(messages) -> list:
    return [("paste", m.text) if isinstance(m, events.Paste) else ("key", m.key) for m in messages if isinstance(m, (events.Paste, events.Key))]


def test_a_paste_with_no_end_ends_after_the_timeout_and_keys_are_keys_again():
    clock = Clock()
    parser = PasteTimeoutParser(clock=clock)
    assert described(parser.feed("\x1b[200~Rex")) == []
    assert described(parser.feed("ab")) == []  # still inside the paste
    clock.now += PASTE_TIMEOUT / 2
    assert described(parser.tick()) == []
    clock.now += PASTE_TIMEOUT
    assert described(parser.tick()) == [("paste", "Rexab")]
    assert described(parser.feed("x")) == [("key", "x")]
    assert described(parser.feed("\x1b[201~")) == []  # a late end changes nothing
    assert described(parser.feed("\x1b[24~")) == [("key", "f12")]


def test_a_start_split_across_two_reads_is_seen():
    clock = Clock()
    parser = PasteTimeoutParser(clock=clock)
    assert described(parser.feed("\x1b[2")) == []
    assert described(parser.feed("00~abc")) == []
    clock.now += PASTE_TIMEOUT * 2
    assert described(parser.tick()) == [("paste", "abc")]
    assert described(parser.feed("y")) == [("key", "y")]


def test_a_paste_that_ends_is_one_paste_and_nothing_else():
    clock = Clock()
    parser = PasteTimeoutParser(clock=clock)
    assert described(parser.feed("\x1b[200~hello\x1b[201~")) == [("paste", "hello")]
    clock.now += PASTE_TIMEOUT * 3
    assert described(parser.tick()) == []
    assert described(parser.feed("\x1b[200~a")) == []
    assert described(parser.feed("b\x1b[201~z")) == [("paste", "ab"), ("key", "z")]
    clock.now += PASTE_TIMEOUT * 3
    assert described(parser.tick()) == []


def test_the_app_reads_the_terminal_through_this_parser():
    from textual.drivers import linux_driver

    from preview_tui.ui.app import PreviewApp

    PreviewApp.get_driver_class(object.__new__(PreviewApp))
    assert linux_driver.XTermParser is PasteTimeoutParser
