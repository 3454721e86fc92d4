#include "services/messages/opt_out_reply.h"

#include <optional>
#include <string>

#include "services/common/text_checks.h"

namespace satisfaction::messages {
namespace {

bool IsSpaceOrPunctuation(char32_t c) {
  static constexpr std::u32string_view kMarks = U" \t\r\n.,!?;:'\"()　。，！？；：、（）“”‘’";
  return kMarks.find(c) != std::u32string_view::npos;
}

}  // namespace

bool IsOptOutReply(absl::string_view text) {
  std::optional<std::u32string> decoded = DecodeUtf8(text);
  if (!decoded) return false;
  std::u32string word;
  for (char32_t c : *decoded) {
    if (c >= U'！' && c <= U'～') c = c - U'！' + U'!';  // full-width ASCII
    if (c >= U'a' && c <= U'z') c = c - U'a' + U'A';
    word.push_back(c);
  }
  size_t begin = 0, end = word.size();
  while (begin < end && IsSpaceOrPunctuation(word[begin])) ++begin;
  while (end > begin && IsSpaceOrPunctuation(word[end - 1])) --end;
  std::u32string_view core = std::u32string_view(word).substr(begin, end - begin);
  for (std::u32string_view keyword :
       {U"T", U"TD", U"退订", U"STOP", U"STOPALL", U"UNSUBSCRIBE", U"CANCEL", U"END", U"QUIT"}) {
    if (core == keyword) return true;
  }
  return false;
}

}  // namespace satisfaction::messages
