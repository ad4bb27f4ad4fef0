#include <algorithm>
#include <cstring>
#include <filesystem>

#include "ui/panels.hpp"

namespace dcmlens::ui {

namespace fs = std::filesystem;

namespace {

// An absolute, normal form of a folder that exists, else the current folder's.
std::string resolvedFolder(const std::string& start) {
    std::error_code ec;
    fs::path p = start.empty() ? fs::current_path(ec) : fs::path(start);
    if (!fs::is_directory(p, ec)) {
        p = p.parent_path();
    }
    if (p.empty() || !fs::is_directory(p, ec)) {
        p = fs::current_path(ec);
    }
    const fs::path absolute = fs::weakly_canonical(fs::absolute(p, ec), ec);
    return (absolute.empty() ? p : absolute).string();
}

}  // namespace

void FileBrowser::setFolder(const std::string& folder) {
    folder_ = resolvedFolder(folder);
    enteredFolder_.clear();
    std::snprintf(pathField_, sizeof pathField_, "%s", folder_.c_str());
    selected_.clear();
    error_.clear();
    confirmReplace_.clear();
}

void FileBrowser::open(const std::string& start) {
    visible_ = true;
    saving_ = false;
    focusPath_ = true;
    title_ = "Open file or folder";
    setFolder(start);
}

void FileBrowser::save(const std::string& folder, const std::string& suggestedName,
                       const std::string& title) {
    visible_ = true;
    saving_ = true;
    focusPath_ = true;
    title_ = title;
    setFolder(folder);
    std::snprintf(nameField_, sizeof nameField_, "%s", suggestedName.c_str());
}

std::string FileBrowser::draw() {
    if (!visible_) {
        return {};
    }
    std::string chosen;
    ImGui::SetNextWindowSize(ImVec2(640, 480), ImGuiCond_FirstUseEver);
    const std::string windowName = title_ + "###filebrowser";
    if (ImGui::Begin(windowName.c_str(), &visible_)) {
        if (focusPath_) {
            ImGui::SetKeyboardFocusHere();  // type right away
            focusPath_ = false;
        }
        std::error_code ec;
        if (saving_) {
            if (ImGui::InputText("File name", nameField_, sizeof nameField_,
                                 ImGuiInputTextFlags_EnterReturnsTrue)) {
                chosen = "?save";
            }
        }
        const bool entered = ImGui::InputText("Folder", pathField_, sizeof pathField_,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
        // The list follows the path as it is typed, whenever it names a folder.
        if (pathField_ != folder_ && fs::is_directory(pathField_, ec)) {
            folder_ = pathField_;
            error_.clear();
            confirmReplace_.clear();
        }
        if (entered) {
            focusPath_ = true;  // ImGui drops the field's focus on Enter: keep typing there
        }
        if (entered && !saving_) {
            // Enter on a folder lists it; Enter again (the path unchanged) opens it.
            if (fs::is_directory(pathField_, ec)) {
                const std::string folder = resolvedFolder(pathField_);
                if (folder == enteredFolder_) {
                    chosen = folder;
                } else {
                    setFolder(pathField_);
                    enteredFolder_ = folder;
                }
            } else if (fs::exists(pathField_, ec)) {
                chosen = pathField_;
            } else {
                error_ = std::string("no such file or folder: ") + pathField_;
            }
        }
        if (ImGui::Button("Up")) {
            setFolder(fs::path(resolvedFolder(folder_)).parent_path().string());
        }
        upButton_ = ImVec2((ImGui::GetItemRectMin().x + ImGui::GetItemRectMax().x) / 2,
                           (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) / 2);
        ImGui::SameLine();
        if (saving_) {
            if (ImGui::Button("Save")) {
                chosen = "?save";
            }
        } else {
            if (ImGui::Button("Open this folder")) {
                chosen = folder_;
            }
            ImGui::SameLine();
            if (ImGui::Button("Open selected") && !selected_.empty()) {
                chosen = selected_;
            }
        }
        if (chosen == "?save") {
            chosen.clear();
            const std::string name = nameField_;
            const fs::path target = fs::path(folder_) / name;
            if (name.empty() || name.find('/') != std::string::npos) {
                error_ = "type a file name (without folders)";
            } else if (fs::exists(target, ec) && confirmReplace_ != target.string()) {
                confirmReplace_ = target.string();
                error_ = name + " exists: Save again to replace it";
            } else {
                chosen = target.string();
            }
        }
        if (!error_.empty()) {
            ImGui::TextColored(ImVec4(1, 0.5f, 0.4f, 1), "%s", error_.c_str());
        }
        if (listedFor_ != folder_) {
            listedFor_ = folder_;
            entries_.clear();
            for (auto it = fs::directory_iterator(folder_, ec);
                 !ec && it != fs::directory_iterator(); it.increment(ec)) {
                std::error_code e;
                entries_.emplace_back(it->path().filename().string(), it->is_directory(e));
            }
            std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
                return a.second != b.second ? a.second : a.first < b.first;
            });
        }
        ImGui::BeginChild("entries");
        for (const auto& [name, dir] : entries_) {
            const std::string path = (fs::path(folder_) / name).string();
            const std::string label = name + (dir ? "/" : "");
            if (ImGui::Selectable(label.c_str(), selected_ == path,
                                  ImGuiSelectableFlags_AllowDoubleClick)) {
                selected_ = path;
                if (saving_ && !dir) {
                    std::snprintf(nameField_, sizeof nameField_, "%s", name.c_str());
                }
                if (ImGui::IsMouseDoubleClicked(0)) {
                    if (dir) {
                        setFolder(path);
                        break;
                    }
                    if (!saving_) {
                        chosen = path;
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
