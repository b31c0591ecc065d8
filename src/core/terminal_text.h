// Text from input made harmless for a terminal. Model names, project
// directories, session ids, git branches, paths, reject reasons and error
// texts that quote data come from files anyone can write; printed raw, an
// ESC sequence in them clears the screen, retitles the window or writes
// the clipboard (OSC 52), a carriage return overwrites what was printed.
// Every such string passes through here before cli/ prints it. Pure.
#pragma once

#include <string>
#include <string_view>

namespace cc {

// `text` with every byte a terminal would act on shown instead as an
// escape: \n, \r and \t as those two characters, other C0 controls, ESC
// and DEL as \xNN, C1 controls (U+0080..U+009F) as \u00NN, bytes that are
// not valid UTF-8 (core/utf8.h) as \xNN. Printable text, ASCII or not
// ("é", "日本", emoji), is unchanged. The result is valid UTF-8 and one
// line: a table cell or a value inside a message.
std::string TerminalSafe(std::string_view text);

// The same, except that \n and \t pass: for a whole text the program laid
// out, as a last guard after each data string in it had TerminalSafe.
std::string TerminalSafeLines(std::string_view text);

}  // namespace cc
