#pragma once

#include <string>
#include <vector>

#include "model/instance.hpp"

namespace dcmlens::cli {

// The tag tree as text in a dcmdump-like layout: one element per line, "(gggg,eeee) VR value
// # length, keyword", items and fragments indented under their sequence.
std::string dumpTags(const std::vector<model::TagNode>& tags);

}  // namespace dcmlens::cli
