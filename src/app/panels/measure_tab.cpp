#include <cfloat>
#include <cstdio>

#include "app/panels/panel.hpp"
#include "model/display_text.hpp"
#include "viewer/measurements.hpp"

namespace dcmlens::app {

namespace {

// A plot with its axes' values: y from min to max at the left, x from 0 to `xMax` (in `xUnit`).
void plotWithAxes(const char* id, const std::vector<float>& values, double xMax, const char* xUnit,
                  const std::string& yUnit, float height) {
    if (values.empty()) {
        return;
    }
    float lo = values[0];
    float hi = values[0];
    for (float v : values) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
    }
    char top[64];
    char bottom[64];
    std::snprintf(top, sizeof top, "%g %s", static_cast<double>(hi), yUnit.c_str());
    std::snprintf(bottom, sizeof bottom, "%g", static_cast<double>(lo));
    const float labelWidth =
        std::max(ImGui::CalcTextSize(top).x, ImGui::CalcTextSize(bottom).x) + 6;
    ImGui::BeginGroup();
    ImGui::TextUnformatted(top);
    ImGui::Dummy(ImVec2(labelWidth, height - 2 * ImGui::GetTextLineHeightWithSpacing()));
    ImGui::TextUnformatted(bottom);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::PlotLines(id, values.data(), static_cast<int>(values.size()), 0, nullptr, lo, hi,
                     ImVec2(ImGui::GetContentRegionAvail().x, height));
    ImGui::Text("0");
    char right[64];
    std::snprintf(right, sizeof right, "%.1f %s", xMax, xUnit);
    ImGui::SameLine(ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize(right).x);
    ImGui::TextUnformatted(right);
    ImGui::EndGroup();
}

}  // namespace

void MeasureTab::draw(AppContext& ctx) {
    static const viewer::Tool tools[] = {viewer::Tool::WindowLevel, viewer::Tool::Line,
                                         viewer::Tool::Rectangle,   viewer::Tool::Ellipse,
                                         viewer::Tool::Polygon,     viewer::Tool::Angle,
                                         viewer::Tool::CobbAngle};
    ImGui::TextUnformatted("Left drag:");
    for (std::size_t i = 0; i < std::size(tools); ++i) {
        if (ImGui::RadioButton(viewer::toolName(tools[i]), ctx.app.tool == tools[i])) {
            ctx.app.tool = tools[i];
        }
        ctx.remember(std::string("tool: ") + viewer::toolName(tools[i]));
        if (i % 4 != 3 && i + 1 < std::size(tools)) {
            ImGui::SameLine();
        }
    }
    ImGui::TextDisabled(
        "Esc goes back to window/level. Angle: drag one arm, click the end of "
        "the other; Cobb: drag two lines; polygon: click the vertices, click "
        "the first (or Enter) to close.");
    session::StackSession* session = ctx.activeSession();
    if (!session) {
        return;
    }
    workspace::Viewport& v = ctx.active();
    auto& list = v.view.measurements;
    ImGui::Separator();
    if (list.empty()) {
        ImGui::TextDisabled("no measurements in this viewport");
        return;
    }
    ImGui::TextWrapped("%zu measurement%s in this viewport; this image's first", list.size(),
                       list.size() == 1 ? "" : "s");
    if (ImGui::SmallButton("Clear all")) {
        list.clear();
        return;
    }
    ctx.remember("measurements: clear all");
    // This image's measurements first, then the others with their image number.
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i].frame == v.view.frame) {
            order.push_back(i);
        }
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (list[i].frame != v.view.frame) {
            order.push_back(i);
        }
    }
    std::optional<std::size_t> remove;
    const model::PixelBuffer* values = v.frameValues(ctx.workspace);
    for (std::size_t i : order) {
        const viewer::Measurement& m = list[i];
        ImGui::PushID(static_cast<int>(i));
        if (ImGui::SmallButton("x")) {
            remove = i;
        }
        ctx.remember("measurement " + std::to_string(i + 1) + ": delete");
        ImGui::SameLine();
        const bool here = m.frame == v.view.frame;
        if (!here) {
            ImGui::TextDisabled("%zu. %s on image %d", i + 1, viewer::toolName(m.tool),
                                m.frame + 1);
            ImGui::SameLine();
            if (ImGui::SmallButton("show")) {
                viewer::goToFrame(v.view, m.frame);
            }
            ImGui::PopID();
            continue;
        }
        const model::Instance& in = session->instanceOf(m.frame);
        const int f = session->frameInInstance(m.frame);
        const viewer::MeasurementResult r = viewer::measure(
            m, in, f, values, model::modalityUnits(in.modalityFor(f), in.modalityCode));
        ImGui::TextWrapped("%zu. %s: %s", i + 1, viewer::toolName(m.tool), r.text.c_str());
        if (m.tool == viewer::Tool::Line && m.points.size() == 2 && values &&
            in.pixel.samplesPerPixel == 1) {
            const pixel::ModalityTransform modality(in.modalityFor(f), in.pixel);
            const auto profile =
                pixel::lineProfile(*values, 0, modality, m.points[0].first, m.points[0].second,
                                   m.points[1].first, m.points[1].second);
            const std::vector<float> samples(profile.begin(), profile.end());
            plotWithAxes("##profile", samples, r.lengthMm.value_or(r.lengthPixels),
                         r.lengthMm ? "mm" : "px",
                         model::modalityUnits(in.modalityFor(f), in.modalityCode), 140 * ctx.scale);
        }
        ImGui::PopID();
    }
    if (remove) {
        list.erase(list.begin() + static_cast<std::ptrdiff_t>(*remove));
    }
}

}  // namespace dcmlens::app
