#include "app/viewport_view.hpp"
#include "model/display_text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/gl_image.hpp"
#include "ui/panels.hpp"
#include "viewer/measurements.hpp"

namespace dcmlens::app {

namespace {

constexpr ImU32 kMeasureColour = IM_COL32(80, 220, 255, 255);
constexpr ImU32 kReferenceColour = IM_COL32(255, 200, 40, 230);
constexpr ImU32 kActiveFrame = IM_COL32(70, 160, 255, 255);

const char* stageText(pixel::DisplayOptions::Stage stage) {
    switch (stage) {
        case pixel::DisplayOptions::Stage::Voi:
            return "Stage: VOI output (before polarity)";
        case pixel::DisplayOptions::Stage::Modality:
            return "Stage: modality values (min-max)";
        case pixel::DisplayOptions::Stage::Stored:
            return "Stage: stored values (min-max)";
        default:
            return nullptr;
    }
}

}  // namespace

void ViewportView::imageQuad(const workspace::ViewportSet& set, const workspace::Workspace& ws,
                             const workspace::Viewport& v, ImVec2 origin, ImVec2 size,
                             ImVec2 out[4]) {
    const viewer::ViewContext c =
        set.context(v, ws, static_cast<int>(size.x), static_cast<int>(size.y));
    const double corners[4][2] = {
        {0, 0},
        {static_cast<double>(c.imageWidth), 0},
        {static_cast<double>(c.imageWidth), static_cast<double>(c.imageHeight)},
        {0, static_cast<double>(c.imageHeight)}};
    for (int i = 0; i < 4; ++i) {
        double x = 0, y = 0;
        viewer::imageToViewport(v.view, c, corners[i][0], corners[i][1], x, y);
        out[i] = ImVec2(origin.x + static_cast<float>(x), origin.y + static_cast<float>(y));
    }
}

void ViewportView::draw(AppContext& ctx, int k, const viewer::Rect& cell,
                        const std::function<void(ImDrawList*, ImVec2, ImVec2)>& overlay) {
    workspace::Viewport& v = ctx.viewports.viewports()[static_cast<std::size_t>(k)];
    const ImVec2 pos(static_cast<float>(cell.x), static_cast<float>(cell.y));
    const ImVec2 size(static_cast<float>(cell.width), static_cast<float>(cell.height));
    ImGui::SetNextWindowPos(pos);
    ImGui::SetNextWindowSize(size);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0);
    char name[32];
    std::snprintf(name, sizeof name, "##viewport%d", k);
    ImGui::Begin(name, nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                     ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoScrollWithMouse |
                     ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing);
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    if (v.view.plane) {
        drawPlaneBackground(ImGui::GetWindowDrawList(), origin, size);
    }
    if (const render::Framebuffer* target = v.target()) {
        ImGui::Image(imguiTexture(target->texture()), size, ImVec2(0, 1), ImVec2(1, 0));
    }
    ImGui::SetCursorScreenPos(origin);
    ImGui::InvisibleButton("image", size,
                           ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                               ImGuiButtonFlags_MouseButtonMiddle);
    ImGui::SetItemAllowOverlap();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenBlockedByActiveItem)) {
        hovered_ = k;
        if (ctx.app.tool != viewer::Tool::WindowLevel) {
            ImGui::SetMouseCursor(ImGuiMouseCursor_Hand);  // measuring: not the arrow of W/L
        }
    }
    // A series dragged from the Series tab shows here.
    if (ImGui::BeginDragDropTarget()) {
        if (const ImGuiPayload* p = ImGui::AcceptDragDropPayload("DCMLENS_SERIES")) {
            ctx.actions.showSeries(k, *static_cast<const int*>(p->Data));
        }
        ImGui::EndDragDropTarget();
    }
    ImDrawList* list = ImGui::GetWindowDrawList();
    list->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
    drawOverlays(ctx, k, list, origin, size);
    if (overlay) {
        overlay(list, origin, size);
    }
    list->PopClipRect();
    if (ctx.viewports.viewports().size() > 1) {
        list->AddRect(origin, ImVec2(origin.x + size.x, origin.y + size.y),
                      k == ctx.viewports.active() ? kActiveFrame : IM_COL32(60, 60, 66, 255), 0, 0,
                      k == ctx.viewports.active() ? 2.0f : 1.0f);
    }
    seriesMenu(ctx, k);
    ImGui::End();
    ImGui::PopStyleVar(2);
}

void ViewportView::seriesMenu(AppContext& ctx, int k) {
    // The viewport's own menu, top right: which series it shows.
    const ImVec2 at(ImGui::GetWindowPos().x + ImGui::GetWindowSize().x - 28 * ctx.scale,
                    ImGui::GetWindowPos().y + 4);
    ImGui::SetCursorScreenPos(at);
    if (ImGui::SmallButton("...")) {
        ImGui::OpenPopup("series");
    }
    ctx.remember("viewport " + std::to_string(k + 1) + " menu");
    if (ImGui::BeginPopup("series")) {
        const auto& all = ctx.workspace.series();
        if (all.empty()) {
            ImGui::TextDisabled("no series opened");
        }
        const workspace::Viewport& v = ctx.viewports.viewports()[static_cast<std::size_t>(k)];
        for (std::size_t i = 0; i < all.size(); ++i) {
            const std::string label = std::to_string(i + 1) + "  " + all[i].stack.description;
            if (ImGui::MenuItem(label.c_str(), nullptr, all[i].id == v.seriesId)) {
                ctx.actions.showSeries(k, all[i].id);
            }
        }
        ImGui::EndPopup();
    }
}

void ViewportView::drawOverlays(AppContext& ctx, int k, ImDrawList* list, ImVec2 origin,
                                ImVec2 size) {
    workspace::Viewport& v = ctx.viewports.viewports()[static_cast<std::size_t>(k)];
    const ImU32 note = IM_COL32(200, 200, 200, 255);
    if (v.empty()) {
        const char* text = "drop a series here (Series tab) or choose one from ...";
        const ImVec2 t = ImGui::CalcTextSize(text);
        list->AddText(ImVec2(origin.x + (size.x - t.x) / 2, origin.y + size.y / 2), note, text);
        return;
    }
    session::StackSession* session = ctx.workspace.session(v.seriesId);
    if (!session || v.view.frame >= session->frameCount()) {
        return;
    }
    if (v.view.plane) {
        drawPlaneOverlays(ctx, k, list, origin, size);
        return;
    }
    const model::Instance& in = session->instanceOf(v.view.frame);
    const int f = session->frameInInstance(v.view.frame);
    const viewer::ViewContext c =
        ctx.viewports.context(v, ctx.workspace, static_cast<int>(size.x), static_cast<int>(size.y));
    if (!session->resident(v.view.frame)) {
        const char* text = "loading this image...";
        const ImVec2 t = ImGui::CalcTextSize(text);
        list->AddText(ImVec2(origin.x + (size.x - t.x) / 2, origin.y + size.y / 2), note, text);
    } else {
        ImVec2 quad[4];
        imageQuad(ctx.viewports, ctx.workspace, v, origin, size, quad);
        auto layOver = [&](GLuint texture) {
            if (texture != 0) {
                list->AddImageQuad(imguiTexture(texture), quad[0], quad[1], quad[2], quad[3]);
            }
        };
        // DICOM overlay planes (60xx,3000) of the frame: a separate layer, never burned in.
        if (ctx.app.annotations && !in.overlays.empty()) {
            const std::string key = "overlay:" + in.path + ":" + std::to_string(f);
            layOver(textures_.get(key, [&](int& w, int& h, std::vector<std::uint32_t>& rgba) {
                w = in.pixel.columns;
                h = in.pixel.rows;
                rgba.assign(static_cast<std::size_t>(w) * h, 0);
                const std::uint32_t colours[] = {0xFF00FFFF, 0xFFFFFF00, 0xFFFF00FF, 0xFF00FF00};
                for (std::size_t o = 0; o < in.overlays.size(); ++o) {
                    const model::Overlay& ov = in.overlays[o];
                    // Multi-frame overlays start at Image Frame Origin (60xx,0051).
                    const int index = ov.frames == 1 ? 0 : f - (ov.firstFrame - 1);
                    if (index < 0 || index >= ov.frames) {
                        continue;
                    }
                    const std::size_t plane = static_cast<std::size_t>(ov.rows) * ov.columns;
                    for (int r = 0; r < ov.rows; ++r) {
                        for (int col = 0; col < ov.columns; ++col) {
                            const int x = ov.originColumn - 1 + col;
                            const int y = ov.originRow - 1 + r;
                            if (x >= 0 && y >= 0 && x < w && y < h &&
                                ov.bits[plane * static_cast<std::size_t>(index) +
                                        static_cast<std::size_t>(r) * ov.columns + col]) {
                                rgba[static_cast<std::size_t>(y) * w + x] = colours[o % 4];
                            }
                        }
                    }
                }
            }));
        }
        // The bit-plane view: one bit of each word as decoded, before masking (sample 0).
        if (v.view.bitPlane >= 0) {
            v.view.bitPlane = std::min(v.view.bitPlane, in.pixel.bitsAllocated - 1);
            if (const model::PixelBuffer* words = raw_.of(in, f)) {
                const std::string key = "bits:" + in.path + ":" + std::to_string(f) + ":" +
                                        std::to_string(v.view.bitPlane);
                layOver(textures_.get(key, [&](int& w, int& h, std::vector<std::uint32_t>& rgba) {
                    w = words->width();
                    h = words->height();
                    rgba.assign(static_cast<std::size_t>(w) * h, 0xFF000000u);
                    for (int y = 0; y < h; ++y) {
                        for (int x = 0; x < w; ++x) {
                            const auto word = static_cast<std::uint64_t>(words->at(0, x, y, 0));
                            if ((word >> v.view.bitPlane) & 1u) {
                                rgba[static_cast<std::size_t>(y) * w + x] = 0xFFFFFFFFu;
                            }
                        }
                    }
                }));
            }
        }
        drawMeasurements(ctx, k, list, origin, size);
        // Pins of the shown frame: a cross and the pin's number at the pixel's centre.
        for (std::size_t i = 0; i < v.view.pins.size(); ++i) {
            const viewer::Pin& pin = v.view.pins[i];
            if (pin.frame != v.view.frame) {
                continue;
            }
            double sx = 0, sy = 0;
            viewer::imageToViewport(v.view, c, pin.x + 0.5, pin.y + 0.5, sx, sy);
            const float cx = origin.x + static_cast<float>(sx);
            const float cy = origin.y + static_cast<float>(sy);
            list->AddLine(ImVec2(cx - 6, cy), ImVec2(cx + 6, cy), kMeasureColour);
            list->AddLine(ImVec2(cx, cy - 6), ImVec2(cx, cy + 6), kMeasureColour);
            list->AddText(ImVec2(cx + 4, cy + 2), kMeasureColour, std::to_string(i + 1).c_str());
        }
    }
    // The reference line: where the active viewport's slice cuts this one (an annotation).
    if (auto line =
            ctx.app.annotations ? ctx.viewports.referenceLine(k, ctx.workspace) : std::nullopt) {
        double ax = 0, ay = 0, bx = 0, by = 0;
        viewer::imageToViewport(v.view, c, line->x0, line->y0, ax, ay);
        viewer::imageToViewport(v.view, c, line->x1, line->y1, bx, by);
        list->AddLine(ImVec2(origin.x + static_cast<float>(ax), origin.y + static_cast<float>(ay)),
                      ImVec2(origin.x + static_cast<float>(bx), origin.y + static_cast<float>(by)),
                      kReferenceColour, 1.5f);
    }
    if (ctx.app.annotations) {
        const std::vector<std::string> notes = cornerNotes(ctx, k);
        const auto* series = ctx.workspace.find(v.seriesId);
        ui::drawAnnotations(list, origin, size, v.view, c, in,
                            series ? series->stack.description : std::string(), notes);
    }
}

std::vector<std::string> ViewportView::cornerNotes(const AppContext& ctx, int k) {
    const workspace::Viewport& v = ctx.viewports.viewports()[static_cast<std::size_t>(k)];
    std::vector<std::string> notes;
    if (const char* s = stageText(v.view.stage)) {
        notes.emplace_back(s);
    }
    if (v.view.bitPlane >= 0) {
        const workspace::Series* series = ctx.workspace.find(v.seriesId);
        const int bits = series && series->session
                             ? series->session->instanceOf(v.view.frame).pixel.bitsAllocated
                             : 16;
        notes.push_back("Bit plane " + std::to_string(v.view.bitPlane) + " of the " +
                        std::to_string(bits) + "-bit words");
    }
    if (ctx.app.tool != viewer::Tool::WindowLevel && k == ctx.viewports.active()) {
        notes.push_back(std::string("Tool: ") + viewer::toolName(ctx.app.tool) +
                        " (Esc: window/level)");
    }
    if (v.view.cine) {
        notes.emplace_back("Cine");
    }
    return notes;
}

void ViewportView::drawMeasurements(AppContext& ctx, int k, ImDrawList* list, ImVec2 origin,
                                    ImVec2 size) {
    workspace::Viewport& v = ctx.viewports.viewports()[static_cast<std::size_t>(k)];
    session::StackSession* session = ctx.workspace.session(v.seriesId);
    const viewer::ViewContext c =
        ctx.viewports.context(v, ctx.workspace, static_cast<int>(size.x), static_cast<int>(size.y));
    const model::Instance& in = session->instanceOf(v.view.frame);
    const int f = session->frameInInstance(v.view.frame);
    auto screen = [&](const std::pair<double, double>& p) {
        double x = 0, y = 0;
        viewer::imageToViewport(v.view, c, p.first, p.second, x, y);
        return ImVec2(origin.x + static_cast<float>(x), origin.y + static_cast<float>(y));
    };
    for (std::size_t i = 0; i < v.view.measurements.size(); ++i) {
        const viewer::Measurement& m = v.view.measurements[i];
        if (m.frame != v.view.frame || m.points.empty()) {
            continue;
        }
        std::vector<ImVec2> pts;
        for (const auto& p : m.points) {
            pts.push_back(screen(p));
        }
        switch (m.tool) {
            case viewer::Tool::Line:
            case viewer::Tool::Angle:
                list->AddPolyline(pts.data(), static_cast<int>(pts.size()), kMeasureColour, 0, 2);
                break;
            case viewer::Tool::CobbAngle:
                list->AddLine(pts[0], pts[1], kMeasureColour, 2);
                if (pts.size() >= 4) {
                    list->AddLine(pts[2], pts[3], kMeasureColour, 2);
                }
                break;
            case viewer::Tool::Polygon:
                list->AddPolyline(pts.data(), static_cast<int>(pts.size()), kMeasureColour,
                                  m.complete ? ImDrawFlags_Closed : 0, 2);
                break;
            case viewer::Tool::Rectangle:
            case viewer::Tool::Ellipse: {
                // The shape in image coordinates, through the view (rotations keep it a
                // rectangle; drawn from its four corners or 64 points of the ellipse).
                const auto& a = m.points[0];
                const auto& b = m.points[1];
                std::vector<ImVec2> outline;
                if (m.tool == viewer::Tool::Rectangle) {
                    for (const auto& p : {a, std::make_pair(b.first, a.second), b,
                                          std::make_pair(a.first, b.second)}) {
                        outline.push_back(screen(p));
                    }
                } else {
                    const double cx = (a.first + b.first) / 2, cy = (a.second + b.second) / 2;
                    const double rx = std::abs(b.first - a.first) / 2;
                    const double ry = std::abs(b.second - a.second) / 2;
                    for (int s = 0; s < 64; ++s) {
                        const double t = 6.283185307179586 * s / 64;
                        outline.push_back(screen({cx + rx * std::cos(t), cy + ry * std::sin(t)}));
                    }
                }
                list->AddPolyline(outline.data(), static_cast<int>(outline.size()), kMeasureColour,
                                  ImDrawFlags_Closed, 2);
                break;
            }
            case viewer::Tool::WindowLevel:
                break;
        }
        ImVec2 label = pts.back();
        for (const ImVec2& p : pts) {
            label = ImVec2(std::max(label.x, p.x), std::max(label.y, p.y));
        }
        const model::PixelBuffer* values = v.frameValues(ctx.workspace);
        const viewer::MeasurementResult r = viewer::measure(
            m, in, f, values, model::modalityUnits(in.modalityFor(f), in.modalityCode));
        const std::string text = std::to_string(i + 1) + ": " + r.text;
        list->AddText(ImVec2(label.x + 6, label.y + 2), kMeasureColour, text.c_str());
    }
}

}  // namespace dcmlens::app
