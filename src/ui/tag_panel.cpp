#include <algorithm>
#include <cctype>
#include <cstdio>

#include "ui/panels.hpp"

namespace dcmlens::ui {

namespace {

std::string tagText(const model::TagNode& n) {
    char text[16];
    std::snprintf(text, sizeof text, "(%04X,%04X)", n.group, n.element);
    return text;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

void TagPanel::setTags(std::vector<model::TagNode> tags) {
    tags_ = std::move(tags);
    open_.clear();
}

bool TagPanel::matches(const model::TagNode& node) const {
    if (filter_[0] == '\0') {
        return true;
    }
    const std::string f = lower(filter_);
    if (lower(tagText(node)).find(f) != std::string::npos ||
        lower(node.keyword).find(f) != std::string::npos ||
        lower(node.value).find(f) != std::string::npos) {
        return true;
    }
    for (const auto& item : node.items) {
        for (const auto& child : item.elements) {
            if (matches(child)) {
                return true;
            }
        }
    }
    return false;
}

void TagPanel::collect(const std::vector<model::TagNode>& nodes, int depth,
                       const std::string& prefix, std::vector<Row>& rows) const {
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        const model::TagNode& node = nodes[i];
        if (!matches(node)) {
            continue;
        }
        const std::string id = prefix + "/" + std::to_string(i);
        rows.push_back({&node, depth, id, false, 0});
        const bool expanded = open_.count(id) > 0 || (filter_[0] != '\0' && !node.items.empty());
        if (!expanded) {
            continue;
        }
        for (std::size_t k = 0; k < node.items.size(); ++k) {
            const std::string itemId = id + "#" + std::to_string(k);
            rows.push_back({&node, depth + 1, itemId, true, static_cast<int>(k)});
            if (open_.count(itemId) || filter_[0] != '\0') {
                collect(node.items[k].elements, depth + 2, itemId, rows);
            }
        }
    }
}

void TagPanel::draw() {
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##filter", "filter: tag, keyword or value", filter_, sizeof filter_);
    std::vector<Row> rows;
    collect(tags_, 0, "", rows);
    ImGui::TextDisabled("%zu rows; click a row to expand, right-click to copy its value",
                        rows.size());
    if (!ImGui::BeginTable("tags", 4,
                           ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                               ImGuiTableFlags_Resizable | ImGuiTableFlags_BordersInnerV)) {
        return;
    }
    ImGui::TableSetupScrollFreeze(0, 1);
    // Tag, VR and keyword columns fit their contents; the value takes the rest of the panel
    // (hover a value for all of it). Widths the user drags are kept in imgui.ini.
    ImGui::TableSetupColumn("Tag", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("VR", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Keyword", ImGuiTableColumnFlags_WidthFixed);
    ImGui::TableSetupColumn("Value", ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
        for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
            const Row& row = rows[static_cast<std::size_t>(r)];
            const model::TagNode& n = *row.node;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::PushID(row.id.c_str());
            const bool expandable = row.isItem || !n.items.empty();
            const bool expanded = open_.count(row.id) > 0;
            std::string label(static_cast<std::size_t>(row.depth) * 2, ' ');
            label += expandable ? (expanded ? "- " : "+ ") : "  ";
            label += row.isItem ? "Item " + std::to_string(row.itemIndex + 1) : tagText(n);
            if (ImGui::Selectable(label.c_str(), false, ImGuiSelectableFlags_SpanAllColumns) &&
                expandable) {
                if (expanded) {
                    open_.erase(row.id);
                } else {
                    open_.insert(row.id);
                }
            }
            if (ImGui::BeginPopupContextItem("copy")) {
                if (ImGui::MenuItem("Copy value")) {
                    ImGui::SetClipboardText(n.value.c_str());
                }
                if (ImGui::MenuItem("Copy tag")) {
                    ImGui::SetClipboardText(tagText(n).c_str());
                }
                ImGui::EndPopup();
            }
            ImGui::PopID();
            if (row.isItem) {
                continue;
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(n.vr.c_str());
            ImGui::TableNextColumn();
            if (!n.privateCreator.empty()) {
                ImGui::Text("%s [%s]", n.keyword.empty() ? "private" : n.keyword.c_str(),
                            n.privateCreator.c_str());
            } else {
                ImGui::TextUnformatted(n.keyword.c_str());
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(n.value.c_str());
            if (ImGui::IsItemHovered() &&
                ImGui::CalcTextSize(n.value.c_str()).x > ImGui::GetColumnWidth()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(ImGui::GetFontSize() * 40);
                ImGui::TextUnformatted(n.value.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
        }
    }
    ImGui::EndTable();
}

}  // namespace dcmlens::ui
