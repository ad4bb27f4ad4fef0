// What is drawn over an MPR viewport (one that shows a plane of its series' volume): a hatch
// where slices are not loaded yet, the lines where the other MPR planes cut this one (through
// the crosshair), orientation markers and a scale bar for the plane, the corner text, and the
// measurements drawn on it (in patient mm).

#include <cmath>
#include <cstdio>

#include "app/viewport_view.hpp"

namespace dcmlens::app {

namespace {

ImU32 kindColour(pixel::PlaneKind kind) {
    switch (kind) {
        case pixel::PlaneKind::Axial:
            return IM_COL32(255, 210, 60, 220);
        case pixel::PlaneKind::Coronal:
            return IM_COL32(80, 220, 120, 220);
        case pixel::PlaneKind::Sagittal:
            return IM_COL32(230, 90, 200, 220);
        default:
            return IM_COL32(120, 190, 255, 220);
    }
}

void shadowText(ImDrawList* list, ImVec2 at, const std::string& s) {
    list->AddText(ImVec2(at.x + 1, at.y + 1), IM_COL32(0, 0, 0, 200), s.c_str());
    list->AddText(at, IM_COL32(230, 230, 120, 255), s.c_str());
}

}  // namespace

void ViewportView::drawPlaneBackground(ImDrawList* list, ImVec2 origin, ImVec2 size) {
    // Where a slice the plane needs is not loaded yet, the framebuffer is transparent: these
    // stripes show through, so missing data never looks like black tissue.
    list->AddRectFilled(origin, ImVec2(origin.x + size.x, origin.y + size.y),
                        IM_COL32(40, 40, 48, 255));
    for (float d = -size.y; d < size.x; d += 12) {
        list->AddLine(ImVec2(origin.x + d, origin.y + size.y),
                      ImVec2(origin.x + d + size.y, origin.y), IM_COL32(70, 70, 86, 255), 2);
    }
}

void ViewportView::drawPlaneOverlays(AppContext& ctx, int k, ImDrawList* list, ImVec2 origin,
                                     ImVec2 size) {
    const workspace::Viewport& v = ctx.viewports.viewports()[static_cast<std::size_t>(k)];
    const viewer::PlaneState& plane = *v.view.plane;
    const pixel::PlaneView& pv = plane.view;
    auto screen = [&](const pixel::Vec3& p) {
        const auto s = pv.screenOf(p);
        return ImVec2(origin.x + static_cast<float>(s[0]), origin.y + static_cast<float>(s[1]));
    };
    // The other planes through the crosshair: lines along their intersection with this one
    // (annotations, like the reference lines of slices: A hides them).
    if (const auto& x = ctx.viewports.crosshair(); x && plane.fitted && ctx.app.annotations) {
        const ImVec2 c = screen(*x);
        const pixel::Vec3 n = pv.plane.normal();
        for (std::size_t j = 0; j < ctx.viewports.viewports().size(); ++j) {
            const workspace::Viewport& other = ctx.viewports.viewports()[j];
            if (static_cast<int>(j) == k || !other.view.plane || other.seriesId != v.seriesId) {
                continue;
            }
            const pixel::Vec3 d = pixel::cross(other.view.plane->view.plane.normal(), n);
            const double dx = pixel::dot(d, pv.plane.right);
            const double dy = pixel::dot(d, pv.plane.down);
            const double len = std::hypot(dx, dy);
            if (len < 1e-6) {
                continue;  // parallel planes
            }
            const float reach = size.x + size.y;
            const ImVec2 u(static_cast<float>(dx / len) * reach,
                           static_cast<float>(dy / len) * reach);
            list->AddLine(ImVec2(c.x - u.x, c.y - u.y), ImVec2(c.x + u.x, c.y + u.y),
                          kindColour(other.view.plane->kind), 1.5f);
        }
    }
    // Measurements on this plane: those whose points lie on it (within half a sample).
    const session::StackSession* session = ctx.workspace.session(v.seriesId);
    const double tolerance =
        session && session->volume() ? session->volume()->slabSpacing(pv.plane.normal()) / 2 : 0.5;
    const ImU32 measure = IM_COL32(80, 220, 255, 255);
    for (std::size_t i = 0; i < v.view.measurements.size(); ++i) {
        const viewer::Measurement& m = v.view.measurements[i];
        if (m.patient.size() < 2 || std::abs(pv.distance(m.patient[0])) > tolerance ||
            std::abs(pv.distance(m.patient[1])) > tolerance) {
            continue;
        }
        const ImVec2 a = screen(m.patient[0]);
        const ImVec2 b = screen(m.patient[1]);
        char text[64];
        std::snprintf(text, sizeof text, "%zu: %.2f mm", i + 1,
                      pixel::length(m.patient[1] - m.patient[0]));
        list->AddLine(a, b, measure, 2);
        list->AddText(ImVec2(std::max(a.x, b.x) + 6, std::max(a.y, b.y) + 2), measure, text);
    }
    if (!ctx.app.annotations) {
        return;
    }
    const float line = ImGui::GetTextLineHeight();
    char buf[200];
    std::string title = pixel::planeKindName(plane.kind);
    if (plane.projection != pixel::Projection::None) {
        std::snprintf(
            buf, sizeof buf, "  %s %s", pixel::projectionName(plane.projection),
            std::isfinite(plane.slabMm)
                ? (std::to_string(static_cast<int>(std::lround(plane.slabMm))) + " mm").c_str()
                : "whole volume");
        title += buf;
    }
    shadowText(list, ImVec2(origin.x + 6, origin.y + 6), title);
    if (const auto& x = ctx.viewports.crosshair()) {
        std::snprintf(buf, sizeof buf, "%.1f %.1f %.1f mm", (*x)[0], (*x)[1], (*x)[2]);
        shadowText(list, ImVec2(origin.x + 6, origin.y + 6 + line), buf);
    }
    std::snprintf(buf, sizeof buf, "W %.0f  C %.0f%s", v.view.width, v.view.center,
                  v.view.invert ? "  inverted" : "");
    shadowText(list, ImVec2(origin.x + 6, origin.y + size.y - 2 * line - 6), buf);
    std::snprintf(buf, sizeof buf, "%.3f mm/pixel%s", pv.mmPerPixel,
                  v.view.linear ? "  trilinear" : "");
    shadowText(list, ImVec2(origin.x + 6, origin.y + size.y - line - 6), buf);
    // Orientation markers: the patient direction each screen edge faces (PS3.3 C.7.6.1.1.1).
    const pixel::Vec3 r = pv.plane.right;
    const pixel::Vec3 d = pv.plane.down;
    shadowText(list, ImVec2(origin.x + size.x - 20, origin.y + size.y / 2),
               pixel::patientDirection(r));
    shadowText(list, ImVec2(origin.x + 6, origin.y + size.y / 2), pixel::patientDirection(-1 * r));
    shadowText(list, ImVec2(origin.x + size.x / 2, origin.y + 6 + 2 * line),
               pixel::patientDirection(-1 * d));
    shadowText(list, ImVec2(origin.x + size.x / 2, origin.y + size.y - 3 * line),
               pixel::patientDirection(d));
    // Scale bar: a round length near a fifth of the view.
    const double target = size.x / 5 * pv.mmPerPixel;
    double length = std::pow(10.0, std::floor(std::log10(target)));
    if (length * 5 <= target) {
        length *= 5;
    } else if (length * 2 <= target) {
        length *= 2;
    }
    const float pixels = static_cast<float>(length / pv.mmPerPixel);
    const ImVec2 end(origin.x + size.x - 10, origin.y + size.y - 12);
    list->AddLine(ImVec2(end.x - pixels, end.y), end, IM_COL32(230, 230, 120, 255), 2);
    std::snprintf(buf, sizeof buf, length >= 10 ? "%.0f mm" : "%.1f mm", length);
    shadowText(list, ImVec2(end.x - pixels, end.y - line - 2), buf);
}

}  // namespace dcmlens::app
