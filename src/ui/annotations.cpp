#include <cmath>
#include <cstdio>

#include "ui/panels.hpp"

namespace dcmlens::ui {

namespace {

// The patient direction a unit vector points to (PS3.3 C.7.6.1.1.1): L/R, A/P, H/F letters in
// order of their weight, e.g. "LA".
std::string direction(double x, double y, double z) {
    std::string out;
    const double v[3] = {x, y, z};
    const char* pos[3] = {"L", "P", "H"};
    const char* neg[3] = {"R", "A", "F"};
    int order[3] = {0, 1, 2};
    for (int i = 0; i < 3; ++i) {
        for (int j = i + 1; j < 3; ++j) {
            if (std::abs(v[order[j]]) > std::abs(v[order[i]])) {
                std::swap(order[i], order[j]);
            }
        }
    }
    for (int k : order) {
        if (std::abs(v[k]) > 0.25) {
            out += v[k] > 0 ? pos[k] : neg[k];
        }
    }
    return out;
}

void text(ImDrawList* list, ImVec2 at, const std::string& s) {
    list->AddText(ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 200), s.c_str());
    list->AddText(at, IM_COL32(230, 230, 120, 255), s.c_str());
}

}  // namespace

void drawAnnotations(ImDrawList* list, ImVec2 o, ImVec2 size, const viewer::ViewerState& state,
                     const viewer::ViewContext& ctx, const model::Instance& in, int frameCount,
                     const std::string& description) {
    const float line = ImGui::GetTextLineHeight();
    char buf[256];
    // Top left: patient and study; top right: series and frame.
    float y = o.y + 6;
    for (const std::string& s :
         {in.patientName + (in.patientId.empty() ? "" : "  (" + in.patientId + ")"),
          in.studyDescription + (in.studyDate.empty() ? "" : "  " + in.studyDate),
          in.seriesDescription.empty() ? description : in.seriesDescription,
          in.modalityCode + "  " + in.pixel.photometricText}) {
        if (!s.empty()) {
            text(list, ImVec2(o.x + 6, y), s);
            y += line;
        }
    }
    // Top right: frame.
    std::snprintf(buf, sizeof buf, "Im %d / %d", state.frame + 1, frameCount);
    text(list, ImVec2(o.x + size.x - ImGui::CalcTextSize(buf).x - 6, o.y + 6), buf);
    if (in.geometry.position) {
        const auto& p = *in.geometry.position;
        std::snprintf(buf, sizeof buf, "Pos %.1f %.1f %.1f", p[0], p[1], p[2]);
        text(list, ImVec2(o.x + size.x - ImGui::CalcTextSize(buf).x - 6, o.y + 6 + line), buf);
    }
    // Bottom left: window and zoom.
    if (state.voiLut) {
        std::snprintf(buf, sizeof buf, "VOI LUT %d", *state.voiLut + 1);
    } else {
        std::snprintf(buf, sizeof buf, "W %.0f  C %.0f%s", state.width, state.center,
                      state.invert ? "  inverted" : "");
    }
    text(list, ImVec2(o.x + 6, o.y + size.y - 2 * line - 6), buf);
    std::snprintf(buf, sizeof buf, "Zoom %.0f%%%s", viewer::effectiveZoom(state, ctx) * 100,
                  state.linear ? "  linear" : "");
    text(list, ImVec2(o.x + 6, o.y + size.y - line - 6), buf);

    // Orientation markers from Image Orientation (Patient): row direction on the right edge,
    // column direction at the bottom; opposites on the other sides.
    if (in.geometry.orientation) {
        const auto& r = *in.geometry.orientation;
        const std::string right = direction(r[0], r[1], r[2]);
        const std::string left = direction(-r[0], -r[1], -r[2]);
        const std::string bottom = direction(r[3], r[4], r[5]);
        const std::string top = direction(-r[3], -r[4], -r[5]);
        text(list, ImVec2(o.x + size.x - 20, o.y + size.y / 2), right);
        text(list, ImVec2(o.x + 6, o.y + size.y / 2), left);
        text(list, ImVec2(o.x + size.x / 2, o.y + 6 + 2 * line), top);
        text(list, ImVec2(o.x + size.x / 2, o.y + size.y - 3 * line), bottom);
    }
    // Scale bar from Pixel Spacing (column spacing): a round length near a fifth of the view.
    if (in.geometry.pixelSpacing && (*in.geometry.pixelSpacing)[1] > 0) {
        const double mmPerScreenPixel =
            (*in.geometry.pixelSpacing)[1] / viewer::effectiveZoom(state, ctx);
        const double target = size.x / 5 * mmPerScreenPixel;
        double length = std::pow(10.0, std::floor(std::log10(target)));
        if (length * 5 <= target) {
            length *= 5;
        } else if (length * 2 <= target) {
            length *= 2;
        }
        const float pixels = static_cast<float>(length / mmPerScreenPixel);
        const ImVec2 end(o.x + size.x - 10, o.y + size.y - 12);
        list->AddLine(ImVec2(end.x - pixels, end.y), end, IM_COL32(230, 230, 120, 255), 2);
        std::snprintf(buf, sizeof buf, length >= 10 ? "%.0f mm" : "%.1f mm", length);
        text(list, ImVec2(end.x - pixels, end.y - line - 2), buf);
    }
}

void drawHelp(bool* open) {
    if (!*open) {
        return;
    }
    ImGui::SetNextWindowSize(ImVec2(460, 0), ImGuiCond_Always);
    ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always,
                            ImVec2(0.5f, 0.5f));
    if (ImGui::Begin("Shortcuts (F1 or ?)", open, ImGuiWindowFlags_NoCollapse)) {
        const char* rows[][2] = {
            {"Left drag", "window/level: right = wider, down = higher center"},
            {"Shift + left drag", "window/level, fine steps"},
            {"Wheel, Up / Down", "previous / next image"},
            {"Page Up / Page Down", "10 images back / forward"},
            {"Home / End", "first / last image"},
            {"Ctrl + wheel, right drag", "zoom about the cursor"},
            {"Middle drag, Space + drag", "pan"},
            {"F", "fit to the viewport"},
            {"0", "one image pixel per screen pixel"},
            {"R", "reset view and window"},
            {"I", "invert"},
            {"1 - 9", "window presets"},
            {"L", "bilinear interpolation on/off"},
            {"M", "next colormap"},
            {"C", "cine play / pause"},
            {"Ctrl + O", "open a file or folder"},
            {"Ctrl + E", "export the view with annotations (PNG)"},
            {"S", "stage view: VOI, modality, stored values, output"},
            {"P", "pin the probe at the cursor (Probe tab)"},
            {"Drop files", "open them"},
        };
        if (ImGui::BeginTable("keys", 2)) {
            for (const auto& row : rows) {
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row[0]);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(row[1]);
            }
            ImGui::EndTable();
        }
    }
    ImGui::End();
}

}  // namespace dcmlens::ui
