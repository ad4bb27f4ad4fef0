#include <algorithm>

#include "ui/panels.hpp"

namespace dcmlens::ui {

void HexView::draw(const std::vector<std::uint8_t>& bytes, std::size_t highlight,
                   std::size_t length) {
    ImGui::BeginChild("hex");
    if (highlight != kNone && scrolledTo_ != highlight) {
        ImGui::SetScrollY(static_cast<float>(highlight / 16) *
                          ImGui::GetTextLineHeightWithSpacing());
        scrolledTo_ = highlight;
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>((bytes.size() + 15) / 16));
    while (clipper.Step()) {
        for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
            const std::size_t start = static_cast<std::size_t>(row) * 16;
            ImGui::Text("%08zx ", start);
            for (std::size_t k = start; k < std::min(start + 16, bytes.size()); ++k) {
                ImGui::SameLine(0, k == start ? 2.0f : (k % 8 == 0 ? 6.0f : 3.0f));
                if (highlight != kNone && k >= highlight && k < highlight + length) {
                    ImGui::TextColored(ImVec4(1, 0.85f, 0.2f, 1), "%02x", bytes[k]);
                } else {
                    ImGui::Text("%02x", bytes[k]);
                }
            }
        }
    }
    ImGui::EndChild();
}

}  // namespace dcmlens::ui
