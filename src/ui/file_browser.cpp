#include <algorithm>
#include <cstring>
#include <filesystem>

#include "ui/panels.hpp"

namespace dcmlens::ui {

void FileBrowser::open(const std::string& start) {
    visible_ = true;
    focusPath_ = true;
    std::error_code ec;
    folder_ = std::filesystem::is_directory(start, ec) ? start
                                                       : std::filesystem::current_path(ec).string();
    selected_.clear();
    std::snprintf(pathField_, sizeof pathField_, "%s", folder_.c_str());
}

std::string FileBrowser::draw() {
    if (!visible_) {
        return {};
    }
    std::string chosen;
    ImGui::SetNextWindowSize(ImVec2(640, 480), ImGuiCond_FirstUseEver);
    if (ImGui::Begin("Open file or folder", &visible_)) {
        if (focusPath_) {
            ImGui::SetKeyboardFocusHere();  // type a path right away
            focusPath_ = false;
        }
        if (ImGui::InputText("Path", pathField_, sizeof pathField_,
                             ImGuiInputTextFlags_EnterReturnsTrue)) {
            std::error_code ec;
            if (std::filesystem::is_directory(pathField_, ec)) {
                folder_ = pathField_;
            } else {
                chosen = pathField_;
            }
        }
        if (ImGui::Button("Up")) {
            folder_ = std::filesystem::path(folder_).parent_path().string();
            std::snprintf(pathField_, sizeof pathField_, "%s", folder_.c_str());
        }
        ImGui::SameLine();
        if (ImGui::Button("Open this folder")) {
            chosen = folder_;
        }
        ImGui::SameLine();
        if (ImGui::Button("Open selected") && !selected_.empty()) {
            chosen = selected_;
        }
        std::vector<std::filesystem::directory_entry> entries;
        std::error_code ec;
        for (auto it = std::filesystem::directory_iterator(folder_, ec);
             !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
            entries.push_back(*it);
        }
        std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            std::error_code e;
            if (a.is_directory(e) != b.is_directory(e)) {
                return a.is_directory(e);
            }
            return a.path().filename() < b.path().filename();
        });
        ImGui::BeginChild("entries");
        for (const auto& entry : entries) {
            std::error_code e;
            const bool dir = entry.is_directory(e);
            const std::string name = entry.path().filename().string() + (dir ? "/" : "");
            if (ImGui::Selectable(name.c_str(), selected_ == entry.path().string(),
                                  ImGuiSelectableFlags_AllowDoubleClick)) {
                selected_ = entry.path().string();
                if (ImGui::IsMouseDoubleClicked(0)) {
                    if (dir) {
                        folder_ = selected_;
                        std::snprintf(pathField_, sizeof pathField_, "%s", folder_.c_str());
                    } else {
                        chosen = selected_;
                    }
                }
            }
        }
        ImGui::EndChild();
    }
    ImGui::End();
    if (!chosen.empty()) {
        visible_ = false;
    }
    return chosen;
}

}  // namespace dcmlens::ui
