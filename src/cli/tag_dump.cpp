#include "cli/tag_dump.hpp"

#include <cstdio>

namespace dcmlens::cli {

namespace {

void dump(const std::vector<model::TagNode>& nodes, int depth, std::string& out) {
    const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
    for (const model::TagNode& n : nodes) {
        char head[32];
        std::snprintf(head, sizeof head, "(%04x,%04x) ", n.group, n.element);
        std::string value = n.value;
        if (!n.vr.empty() && n.vr != "SQ" && n.items.empty() && value.find('(') != 0) {
            value = "[" + value + "]";
        }
        const std::string length = n.length == model::TagNode::kUndefinedLength
                                       ? "u/l"  // undefined length, as dcmdump writes it
                                       : std::to_string(n.length);
        out += indent + head + (n.vr.empty() ? "--" : n.vr) + " " + value + "  # " + length + ", " +
               (n.keyword.empty() ? "Unknown" : n.keyword) +
               (n.privateCreator.empty() ? "" : " (private, " + n.privateCreator + ")") + "\n";
        for (std::size_t k = 0; k < n.items.size(); ++k) {
            if (n.items[k].elements.size() == 1 && n.items[k].elements[0].group == 0xFFFE) {
                dump(n.items[k].elements, depth + 1, out);  // a pixel data fragment
                continue;
            }
            out += indent + "  (fffe,e000) na Item " + std::to_string(k + 1) + "\n";
            dump(n.items[k].elements, depth + 2, out);
        }
    }
}

}  // namespace

std::string dumpTags(const std::vector<model::TagNode>& tags) {
    std::string out;
    dump(tags, 0, out);
    return out;
}

}  // namespace dcmlens::cli
