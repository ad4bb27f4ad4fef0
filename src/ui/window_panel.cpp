#include <cstdio>

#include "ui/panels.hpp"

namespace dcmlens::ui {

bool drawWindowPanel(viewer::ViewState& state, const model::Instance& instance, int frame,
                     const std::vector<viewer::Preset>& presets, const viewer::ViewContext& ctx,
                     const std::vector<std::string>& colormaps) {
    bool changed = false;
    const float range = static_cast<float>(ctx.valueMax - ctx.valueMin);
    float center = static_cast<float>(state.center);
    float width = static_cast<float>(state.width);
    if (ImGui::InputFloat("Center", &center, 1, 10, "%.1f")) {
        state.center = center;
        state.voiLut.reset();
        changed = true;
    }
    if (ImGui::InputFloat("Width", &width, 1, 10, "%.1f")) {
        state.width = width < 1 ? 1 : width;
        state.voiLut.reset();
        changed = true;
    }
    if (ImGui::SliderFloat("##center", &center, static_cast<float>(ctx.valueMin),
                           static_cast<float>(ctx.valueMax), "C %.0f")) {
        state.center = center;
        state.voiLut.reset();
        changed = true;
    }
    if (ImGui::SliderFloat("##width", &width, 1, range > 1 ? range * 2 : 2, "W %.0f")) {
        state.width = width;
        state.voiLut.reset();
        changed = true;
    }

    const auto& windows = instance.windowsFor(frame);  // this frame's (per-frame VOI)
    if (!windows.empty() &&
        ImGui::CollapsingHeader("File windows", ImGuiTreeNodeFlags_DefaultOpen)) {
        for (std::size_t i = 0; i < windows.size(); ++i) {
            char label[160];
            std::snprintf(
                label, sizeof label, "%s  C %g  W %g##fw%zu",
                windows[i].explanation.empty() ? "Window" : windows[i].explanation.c_str(),
                windows[i].center, windows[i].width, i);
            if (ImGui::Selectable(label, !state.voiLut && state.center == windows[i].center &&
                                             state.width == windows[i].width)) {
                state.center = windows[i].center;
                state.width = windows[i].width;
                state.voiLut.reset();
                changed = true;
            }
        }
    }
    if (ImGui::CollapsingHeader("Presets (keys 1-9)", ImGuiTreeNodeFlags_DefaultOpen)) {
        for (std::size_t i = 0; i < presets.size(); ++i) {
            char label[160];
            // Keys 1-9 reach the first nine; a tenth (1-99 % after eight CT windows) has none.
            char key[8] = "-";
            if (i < 9) {
                std::snprintf(key, sizeof key, "%zu", i + 1);
            }
            std::snprintf(label, sizeof label, "%s  %s  C %g  W %g##preset%zu", key,
                          presets[i].name.c_str(), presets[i].center, presets[i].width, i);
            if (ImGui::Selectable(label)) {
                state.center = presets[i].center;
                state.width = presets[i].width;
                state.voiLut.reset();
                changed = true;
            }
        }
    }
    const char* functions[] = {"LINEAR", "LINEAR_EXACT", "SIGMOID"};
    int fn = static_cast<int>(state.function);
    if (ImGui::Combo("VOI function", &fn, functions, 3)) {
        state.function = static_cast<model::VoiFunction>(fn);
        changed = true;
    }
    if (!instance.voi.luts.empty()) {
        int lut = state.voiLut ? *state.voiLut + 1 : 0;
        std::vector<std::string> names = {"window"};
        for (std::size_t i = 0; i < instance.voi.luts.size(); ++i) {
            const auto& l = *instance.voi.luts[i];
            names.push_back("VOI LUT " + std::to_string(i + 1) +
                            (l.explanation.empty() ? "" : " (" + l.explanation + ")"));
        }
        if (ImGui::BeginCombo("VOI LUT", names[static_cast<std::size_t>(lut)].c_str())) {
            for (std::size_t i = 0; i < names.size(); ++i) {
                if (ImGui::Selectable(names[i].c_str(), static_cast<int>(i) == lut)) {
                    state.voiLut =
                        i == 0 ? std::nullopt : std::optional<int>(static_cast<int>(i) - 1);
                    changed = true;
                }
            }
            ImGui::EndCombo();
        }
    }
    changed |= ImGui::Checkbox("Invert (I)", &state.invert);
    ImGui::SameLine();
    changed |= ImGui::Checkbox("Interpolate (L)", &state.linear);
    if (ImGui::BeginCombo("Colormap", state.colormap.c_str())) {
        for (const std::string& name : colormaps) {
            if (ImGui::Selectable(name.c_str(), name == state.colormap)) {
                state.colormap = name;
                changed = true;
            }
        }
        ImGui::EndCombo();
    }
    return changed;
}

}  // namespace dcmlens::ui
