// UTF-8 well-formedness, for the feed parser's strings and the JSON log's escaping.
#pragma once

#include <cstddef>

#include "absl/strings/string_view.h"

namespace talentflow {

// The length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF) that `s` starts with: 1 for an ASCII byte, 2-4 otherwise, 0 when it is malformed or cut
// short (or `s` is empty). Example: Utf8SequenceLength("\xC3\xA9x") == 2.
size_t Utf8SequenceLength(absl::string_view s);

}  // namespace talentflow
