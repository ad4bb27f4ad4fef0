#include <cmath>
#include <cstdio>

#include "app/panels/panel.hpp"

namespace dcmlens::app {

// MPR: the layout (three planes and the slices), the active viewport's plane (kind, slab,
// projection, interpolation), the crosshair, and why a series forms no volume when it does not.
void MprTab::draw(AppContext& ctx) {
    session::StackSession* session = ctx.activeSessionOrSay();
    if (!session) {
        return;
    }
    workspace::Viewport& v = ctx.active();
    if (!session->volume()) {
        ImGui::TextWrapped("No MPR for this series: %s", session->volumeProblem().c_str());
        return;
    }
    const series::VolumeGeometry& g = *session->volume();
    ImGui::TextWrapped("Volume: %d x %d x %d, %.3f x %.3f x %.3f mm%s%s", g.columns(), g.rows(),
                       g.sliceCount(), g.columnSpacing(), g.rowSpacing(), g.sliceSpacing(),
                       g.even() ? "" : ", uneven spacing (sampled where the slices are)",
                       g.tiltDegrees() > 0.5 ? ", gantry tilt (sheared)" : "");
    if (ImGui::Button("MPR layout (Ctrl+M)")) {
        ctx.actions.toggleMpr();
    }
    ctx.remember("mpr: layout");
    if (const auto& x = ctx.viewports.crosshair()) {
        ImGui::Text("crosshair %.1f, %.1f, %.1f mm (LPS)", (*x)[0], (*x)[1], (*x)[2]);
        ImGui::SameLine();
        if (ImGui::SmallButton("reset (R)")) {
            ctx.viewports.resetPlanes(ctx.workspace);
        }
    }
    ImGui::Separator();
    if (!v.view.plane) {
        ImGui::TextWrapped("The active viewport shows slices. Show a plane of the volume instead:");
        for (auto kind :
             {pixel::PlaneKind::Axial, pixel::PlaneKind::Coronal, pixel::PlaneKind::Sagittal}) {
            if (ImGui::Button(pixel::planeKindName(kind))) {
                std::string why;
                if (!ctx.viewports.showPlane(ctx.viewports.active(), kind, ctx.workspace, &why)) {
                    ctx.messages.error(why);
                }
            }
            ImGui::SameLine();
        }
        ImGui::NewLine();
        return;
    }
    viewer::PlaneState& plane = *v.view.plane;
    int kind = static_cast<int>(plane.kind);
    const char* kinds[] = {"axial", "coronal", "sagittal", "oblique"};
    if (ImGui::Combo("plane", &kind, kinds, 4) && kind != static_cast<int>(plane.kind)) {
        ctx.viewports.showPlane(ctx.viewports.active(), static_cast<pixel::PlaneKind>(kind),
                                ctx.workspace, nullptr);
    }
    int projection = static_cast<int>(plane.projection);
    const char* projections[] = {"none (the plane)", "MIP", "MinIP", "mean"};
    if (ImGui::Combo("projection", &projection, projections, 4)) {
        plane.projection = static_cast<pixel::Projection>(projection);
        if (plane.projection != pixel::Projection::None && plane.slabMm <= 0) {
            plane.slabMm = 20;  // a slab to project: 20 mm to begin with
        }
    }
    bool whole = std::isinf(plane.slabMm);
    float slab = whole ? 0 : static_cast<float>(plane.slabMm);
    ImGui::BeginDisabled(whole);
    if (ImGui::SliderFloat("slab (mm)", &slab, 0, 200, slab <= 0 ? "none" : "%.0f mm")) {
        plane.slabMm = slab;
    }
    ImGui::EndDisabled();
    if (ImGui::Checkbox("whole volume", &whole)) {
        plane.slabMm = whole ? std::numeric_limits<double>::infinity() : 20;
    }
    ImGui::Checkbox("trilinear interpolation (L)", &v.view.linear);
    ImGui::TextDisabled(
        "slab samples every %.3f mm along the normal (one per voxel the normal crosses fastest)",
        g.slabSpacing(plane.view.plane.normal()));
    ImGui::Separator();
    ImGui::TextWrapped(
        "Left click or drag: crosshair. Ctrl+left drag: window/level. Alt+left drag: turn the "
        "crosshair (the other planes become oblique). Wheel, Up/Down: move this plane. Ctrl+wheel, "
        "right drag: zoom. Middle drag: pan. F: fit. R: reset the planes.");
}

}  // namespace dcmlens::app
