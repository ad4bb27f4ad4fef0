// The App's ImGui around the viewports: the main menu, the side panel (resizable by its edge,
// every tab visible), the status line, the messages, the open and save dialogs.

#include <filesystem>

#include "app/app.hpp"
#include "model/display_text.hpp"
#include "series/image_source.hpp"

namespace dcmlens::app {

namespace fs = std::filesystem;

bool App::drawMenu() {
    bool quit = false;
    if (!ImGui::BeginMainMenuBar()) {
        return false;
    }
    auto& active = viewports_.activeViewport();
    const bool shown = !active.empty();
    if (ImGui::BeginMenu("File")) {
        if (ImGui::MenuItem("Open...", "Ctrl+O")) {
            openBrowser();
        }
        if (ImGui::BeginMenu("Recent", !workspace_.recent().empty())) {
            for (const std::string& r : workspace_.recent()) {
                if (ImGui::MenuItem(r.c_str())) {
                    openPaths({r}, false);
                    break;
                }
            }
            ImGui::EndMenu();
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Export view as PNG...", nullptr, false, shown)) {
            startExport("view");
        }
        if (ImGui::MenuItem("Export view with annotations...", "Ctrl+E", false, shown)) {
            startExport("annotated");
        }
        if (ImGui::MenuItem("Export stored values (16-bit PNG)...", nullptr, false, shown)) {
            startExport("stored");
        }
        if (ImGui::MenuItem("Export tags as text...", nullptr, false, shown)) {
            startExport("tags");
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Demo stack")) {
            workspace_.open(series::openDemo(), -1);
        }
        if (ImGui::MenuItem("Close all series", nullptr, false, !workspace_.series().empty())) {
            workspace_.closeAll();
        }
        if (ImGui::MenuItem("Quit", "Ctrl+Q")) {
            quit = true;
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::BeginMenu("Layout")) {
            const auto& grids = viewer::standardGrids();
            for (std::size_t i = 0; i < grids.size(); ++i) {
                const std::string key = "Ctrl+" + std::to_string(i + 1);
                if (ImGui::MenuItem(grids[i].name().c_str(), key.c_str(),
                                    grids[i] == viewports_.grid())) {
                    setGrid(grids[i]);
                }
            }
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem("Next viewport", "Tab", false, viewports_.viewports().size() > 1)) {
            viewports_.setActive((viewports_.active() + 1) %
                                 static_cast<int>(viewports_.viewports().size()));
        }
        if (ImGui::MenuItem("MPR: axial, coronal, sagittal", "Ctrl+M", false, shown)) {
            toggleMpr();
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Flip horizontally", "H", false, shown)) {
            viewer::flipHorizontally(active.view);
        }
        if (ImGui::MenuItem("Flip vertically", "V", false, shown)) {
            viewer::flipVertically(active.view);
        }
        if (ImGui::MenuItem("Rotate left", "[", false, shown)) {
            viewer::rotateCounterClockwise(active.view);
        }
        if (ImGui::MenuItem("Rotate right", "]", false, shown)) {
            viewer::rotateClockwise(active.view);
        }
        ImGui::Separator();
        ImGui::MenuItem("Annotations", "A", &app_.annotations);
        ImGui::MenuItem("Linked scrolling", "K", &viewports_.links.scroll);
        ImGui::MenuItem("  link series without a common frame of reference by index", nullptr,
                        &viewports_.links.byIndex);
        ImGui::MenuItem("Linked window/level", nullptr, &viewports_.links.window);
        ImGui::MenuItem("Linked zoom and pan", nullptr, &viewports_.links.zoomPan);
        ImGui::Separator();
        if (ImGui::BeginMenu("Interface scale (next start)")) {
            for (float s : {0.0f, 1.0f, 1.25f, 1.5f, 2.0f}) {
                const std::string label = s == 0 ? "the monitor's" : std::to_string(s).substr(0, 4);
                if (ImGui::MenuItem(label.c_str(), nullptr, settings_.uiScale == s)) {
                    settings_.uiScale = s;
                }
            }
            ImGui::EndMenu();
        }
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Shortcuts", "F1")) {
            app_.showHelp = true;
        }
        ImGui::EndMenu();
    }
    ImGui::EndMainMenuBar();
    return quit;
}

void App::drawSidePanel() {
    AppContext ctx{workspace_, viewports_, app_, renderer_, messages_, actions_, probe_, widgets_};
    const int a = viewports_.active();
    ctx.activeSize = ImVec2(static_cast<float>(cells_[static_cast<std::size_t>(a)].width),
                            static_cast<float>(cells_[static_cast<std::size_t>(a)].height));
    ctx.scale = scale_;
    ctx.measuredCineFps = measuredCineFps_;
    const ImVec2 pos(static_cast<float>(sidePanel_.x), static_cast<float>(sidePanel_.y));
    const ImVec2 size(static_cast<float>(sidePanel_.width), static_cast<float>(sidePanel_.height));
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    // Saved settings stay on (imgui.ini): the tables' column widths persist. No padding: the
    // window's clip rectangle would exclude its left edge, the handle that resizes it.
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::Begin("##panels", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoBringToFrontOnFocus);
    ImGui::PopStyleVar();
    // The panel's left edge: drag it to resize (the width is remembered).
    ImGui::SetCursorScreenPos(pos);
    ImGui::InvisibleButton("##edge", ImVec2(6 * scale_, size.y));
    if (ImGui::IsItemHovered() || ImGui::IsItemActive()) {
        ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeEW);
        ImGui::GetWindowDrawList()->AddLine(pos, ImVec2(pos.x, pos.y + size.y),
                                            IM_COL32(90, 140, 220, 255), 3);
    }
    ctx.remember("panel edge");
    if (ImGui::IsItemActive()) {
        settings_.panelWidth = static_cast<float>(
            viewer::clampPanelWidth((size.x - ImGui::GetIO().MouseDelta.x) / scale_,
                                    ImGui::GetMainViewport()->Size.x / scale_, 260));
    }
    ImGui::SetCursorScreenPos(ImVec2(pos.x + 8 * scale_, pos.y + 6));
    ImGui::BeginGroup();
    // Every tab visible: buttons that wrap onto as many rows as the width needs.
    const float right = pos.x + size.x - 8 * scale_;
    for (std::size_t i = 0; i < panels_.size(); ++i) {
        const char* name = panels_[i]->name();
        const float w = ImGui::CalcTextSize(name).x + ImGui::GetStyle().FramePadding.x * 2;
        if (i > 0) {
            ImGui::SameLine();
            if (ImGui::GetCursorScreenPos().x + w > right) {
                ImGui::NewLine();
            }
        }
        const bool selected = i == panel_;
        ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(
                                                   selected ? ImGuiCol_TabActive : ImGuiCol_Tab));
        if (ImGui::Button(name)) {
            panel_ = i;
        }
        ImGui::PopStyleColor();
        ctx.remember(std::string("tab ") + name);
    }
    ImGui::EndGroup();
    ImGui::SetCursorScreenPos(ImVec2(pos.x + 8 * scale_, ImGui::GetCursorScreenPos().y));
    ImGui::BeginChild("##tab", ImVec2(size.x - 12 * scale_, 0), false);
    ImGui::PushTextWrapPos(0);
    panels_[panel_]->draw(ctx);
    ImGui::PopTextWrapPos();
    // Content wider than the panel would be cut at its edge: recorded (the state log) per tab.
    panelOverflow_[panels_[panel_]->name()] = ImGui::GetScrollMaxX();
    widgets_["panel content width"] = ImVec2(ImGui::GetContentRegionMax().x, 0);
    ImGui::EndChild();
    ImGui::End();
}

void App::drawStatus() {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    const float height = ImGui::GetFrameHeight() + 6;
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, vp->Pos.y + vp->Size.y - height));
    ImGui::SetNextWindowSize(ImVec2(vp->Size.x, height));
    ImGui::Begin("##status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoSavedSettings);
    const auto hovered = view_.hovered();
    char text[512];
    bool hint = false;
    if (probe_ && hovered && *hovered == probe_->viewport) {
        const workspace::Viewport& v = viewports_.viewports()[static_cast<std::size_t>(*hovered)];
        session::StackSession* s = workspace_.session(v.seriesId);
        const model::Instance& in = s->instanceOf(probe_->frame);
        const int f = s->frameInInstance(probe_->frame);
        if (probe_->kind == Probe::Kind::Colour) {
            std::snprintf(text, sizeof text, "x %d  y %d  image %d   samples %lld %lld %lld",
                          probe_->x, probe_->y, probe_->frame + 1,
                          static_cast<long long>(probe_->samples[0]),
                          static_cast<long long>(probe_->samples[1]),
                          static_cast<long long>(probe_->samples[2]));
        } else {
            // Units from Rescale Type, else HU for CT (PS3.3 C.8.2.1).
            std::snprintf(text, sizeof text, "x %d  y %d  image %d   stored %lld   value %g %s",
                          probe_->x, probe_->y, probe_->frame + 1,
                          static_cast<long long>(probe_->stored), probe_->modality,
                          model::modalityUnits(in.modalityFor(f), in.modalityCode).c_str());
        }
    } else if (workspace_.opening()) {
        const auto o = workspace_.openings().front();
        std::snprintf(
            text, sizeof text, "opening %s: %s %zu%s", o.name.c_str(), o.progress.stage.c_str(),
            o.progress.done,
            o.progress.total ? (" of " + model::countText(o.progress.total, "file")).c_str() : "");
    } else {
        std::snprintf(text, sizeof text, "F1 or ? shows the shortcuts");
        hint = true;
    }
    status_ = text;
    if (hint) {
        ImGui::TextDisabled("%s", text);
    } else {
        ImGui::TextUnformatted(text);
    }
    ImGui::End();
}

void App::drawMessages() {
    const auto& shown = messages_.shown();
    if (shown.empty() || !captureTo_.empty()) {
        return;  // nothing over the viewport while it is captured for an export
    }
    const float width = std::min(520 * scale_, static_cast<float>(cells_.front().width) - 20);
    ImGui::SetNextWindowPos(ImVec2(static_cast<float>(cells_.front().x) + 10,
                                   static_cast<float>(cells_.front().y) + 30));
    ImGui::SetNextWindowSize(ImVec2(width, 0));
    ImGui::SetNextWindowBgAlpha(0.85f);
    ImGui::Begin("##messages", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_AlwaysAutoResize);
    std::optional<std::size_t> dismiss;
    for (std::size_t i = 0; i < shown.size(); ++i) {
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton("x")) {
            dismiss = i;
        }
        widgets_["message " + std::to_string(i + 1) + ": dismiss"] =
            ImVec2((ImGui::GetItemRectMin().x + ImGui::GetItemRectMax().x) / 2,
                   (ImGui::GetItemRectMin().y + ImGui::GetItemRectMax().y) / 2);
        ImGui::SameLine();
        ImGui::PushStyleColor(ImGuiCol_Text, shown[i].error ? ImVec4(1, 0.55f, 0.45f, 1)
                                                            : ImVec4(0.8f, 0.95f, 0.8f, 1));
        ImGui::PushTextWrapPos(width - 10);
        ImGui::TextUnformatted(shown[i].text.c_str());
        ImGui::PopTextWrapPos();
        ImGui::PopStyleColor();
        ImGui::PopID();
    }
    if (shown.size() > 1 && ImGui::SmallButton("dismiss all")) {
        messages_.dismissAll();
    }
    ImGui::End();
    if (dismiss) {
        messages_.dismiss(*dismiss);
    }
}

void App::openBrowser() {
    // Where the user last opened something, else the current folder.
    std::string start = settings_.openFolder;
    if (start.empty() && !workspace_.recent().empty()) {
        start = fs::path(workspace_.recent().front()).parent_path().string();
    }
    browser_.open(start);
    pendingExport_.clear();
}

void App::drawDialogs() {
    const std::string chosen = browser_.draw();
    if (chosen.empty()) {
        if (!browser_.visible()) {
            pendingExport_.clear();
        }
        return;
    }
    std::error_code ec;
    if (!pendingExport_.empty()) {
        settings_.exportFolder = fs::path(chosen).parent_path().string();
        const std::string what = pendingExport_;
        pendingExport_.clear();
        finishExport(what, chosen);
        return;
    }
    settings_.openFolder = fs::is_directory(chosen, ec) ? fs::path(chosen).parent_path().string()
                                                        : fs::path(chosen).parent_path().string();
    openPaths({chosen}, false);
}

void App::startExport(const char* what) {
    if (viewports_.activeViewport().empty()) {
        return;
    }
    const std::string kind = what;
    const std::string suffix = kind == "view"        ? "-view.png"
                               : kind == "annotated" ? "-annotated.png"
                               : kind == "stored"    ? "-stored.png"
                                                     : "-tags.txt";
    std::string folder = settings_.exportFolder;
    std::error_code ec;
    if (folder.empty() || !fs::is_directory(folder, ec)) {
        folder = fs::current_path(ec).string();
    }
    // A name that is not taken yet: IMAGE-N-view.png, then IMAGE-N-view-2.png, ...
    const std::string base = exportName("");
    std::string name = base + suffix;
    for (int n = 2; fs::exists(fs::path(folder) / name, ec); ++n) {
        const auto dot = suffix.rfind('.');
        name = base + suffix.substr(0, dot) + "-" + std::to_string(n) + suffix.substr(dot);
    }
    const std::string title = kind == "view"        ? "Export the view as PNG"
                              : kind == "annotated" ? "Export the view with annotations"
                              : kind == "stored"    ? "Export the stored values (16-bit PNG)"
                                                    : "Export the tags as text";
    browser_.save(folder, name, title);
    pendingExport_ = kind;
}

}  // namespace dcmlens::app
