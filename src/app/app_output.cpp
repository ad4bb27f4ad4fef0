// What the App writes: exports (where the user chose, never over an input), the state log
// (tests), settings.txt and recent.txt.

#include <GLFW/glfw3.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "app/app.hpp"
#include "cli/json_writer.hpp"
#include "cli/tag_dump.hpp"
#include "common/error.hpp"
#include "io/png_writer.hpp"
#include "model/display_text.hpp"
#include "viewer/measurements.hpp"

namespace dcmlens::app {

namespace fs = std::filesystem;

std::string App::exportName(const std::string& suffix) const {
    const workspace::Viewport& v =
        viewports_.viewports()[static_cast<std::size_t>(viewports_.active())];
    const workspace::Series* series = workspace_.find(v.seriesId);
    std::string stem = "image";
    if (series && v.view.frame < static_cast<int>(series->stack.frameCount()) && series->session) {
        const std::string& path = series->session->instanceOf(v.view.frame).path;
        stem = path.rfind("demo:", 0) == 0 ? "demo" : fs::path(path).filename().string();
    }
    return stem + "-" + std::to_string(v.view.frame + 1) + suffix;
}

void App::finishExport(const std::string& what, const std::string& path) {
    workspace::Viewport& v = viewports_.activeViewport();
    session::StackSession* session = v.empty() ? nullptr : workspace_.session(v.seriesId);
    if (!session) {
        return;
    }
    std::error_code ec;
    for (const auto& in : workspace_.find(v.seriesId)->stack.instances) {
        if (fs::equivalent(path, in->path, ec)) {
            messages_.error(path + ": that is an input file: not overwriting it");
            return;
        }
    }
    const model::Instance& in = session->instanceOf(v.view.frame);
    auto done = [&](const std::string& text) {
        lastExport_ = fs::absolute(path, ec).string();
        messages_.info(text + " " + lastExport_);
    };
    try {
        if (what == "annotated") {
            // The viewport as it is on screen, read from the back buffer two frames on (the
            // dialog has closed by then).
            captureTo_ = path;
            captureIn_ = 2;
        } else if (what == "view") {
            if (!v.target()) {
                return;
            }
            io::writePng(path, v.target()->read(3));
            glBindFramebuffer(GL_FRAMEBUFFER, 0);
            done("exported the view to");
        } else if (what == "stored") {
            if (in.pixel.samplesPerPixel != 1) {
                throw Error(
                    "lossless export from the viewer is for greyscale images: use dcmlens "
                    "export --raw");
            }
            const model::PixelBuffer* values = v.frameValues(workspace_);
            if (!values) {
                throw Error("the image is not loaded yet");
            }
            if (model::sampleBytes(values->type()) > 2) {
                throw Error(
                    "values of more than 16 bits do not fit a 16-bit PNG: use dcmlens export "
                    "--raw");
            }
            std::vector<std::uint16_t> words;
            for (std::size_t i = 0; i < values->frameSampleCount(); ++i) {
                words.push_back(static_cast<std::uint16_t>(values->at(0, i)));
            }
            const bool isSigned = model::isSignedType(values->type());
            io::writePng16(path, words.data(), values->width(), values->height(), 1,
                           isSigned ? "dcmlens-signed" : "", isSigned ? "1" : "");
            done("exported the stored values to");
        } else if (what == "tags") {
            if (in.path.rfind("demo:", 0) == 0) {
                throw Error("the demo stack has no tags");
            }
            std::ofstream out(path);
            out << cli::dumpTags(dicom::openInstance(in)->tagTree());
            out.close();
            if (!out) {
                throw Error("cannot write " + path + ": " + std::strerror(errno));
            }
            done("exported the tags to");
        }
    } catch (const Error& e) {
        messages_.error(e.what());
    }
}

void App::afterRender(int framebufferWidth, int framebufferHeight) {
    if (!captureTo_.empty() && --captureIn_ <= 0) {
        captureNow(framebufferWidth, framebufferHeight);
    }
}

void App::captureNow(int framebufferWidth, int framebufferHeight) {
    const WindowGeometry g = platform_.geometry();
    const double sx = static_cast<double>(framebufferWidth) / std::max(1, g.width);
    const double sy = static_cast<double>(framebufferHeight) / std::max(1, g.height);
    const viewer::Rect& c = cells_[static_cast<std::size_t>(viewports_.active())];
    const int x = static_cast<int>(std::lround(c.x * sx));
    const int w = static_cast<int>(std::lround(c.width * sx));
    const int h = static_cast<int>(std::lround(c.height * sy));
    const int y = framebufferHeight - static_cast<int>(std::lround(c.y * sy)) - h;
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * h * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    glReadPixels(x, y, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
    pixel::Image image(w, h, 3);
    for (int row = 0; row < h; ++row) {
        for (int col = 0; col < w; ++col) {
            const std::uint8_t* p = &rgba[(static_cast<std::size_t>(h - 1 - row) * w + col) * 4];
            std::copy_n(p, 3, image.pixel(col, row));
        }
    }
    try {
        io::writePng(captureTo_, image);
        std::error_code ec;
        lastExport_ = fs::absolute(captureTo_, ec).string();
        messages_.info("exported the view with annotations to " + lastExport_);
    } catch (const Error& e) {
        messages_.error(e.what());
    }
    captureTo_.clear();
}

Settings App::currentSettings() const {
    Settings s = settings_;
    s.colormap = viewports_.activeViewport().empty() ? viewports_.viewDefaults.colormap
                                                     : viewports_.activeViewport().view.colormap;
    s.interpolate = viewports_.activeViewport().empty() ? viewports_.viewDefaults.linear
                                                        : viewports_.activeViewport().view.linear;
    s.annotations = app_.annotations;
    s.recent = workspace_.recent();
    s.window = platform_.geometry();
    return s;
}

void App::saveSettingsIfChanged() {
    Settings now = currentSettings();
    if (capture_) {
        return;  // not in the middle of a drag
    }
    if (saved_.changed(now)) {
        settings_ = now;
        viewports_.viewDefaults.colormap = now.colormap;
        viewports_.viewDefaults.linear = now.interpolate;
        saveSettings(configDir_, now);
    }
}

void App::logState() {
    if (!stateLog_.is_open()) {
        return;
    }
    const WindowGeometry g = platform_.geometry();
    const double wx = g.x;
    const double wy = g.y;
    cli::JsonWriter j;
    // One viewport's state; the active one's is also at the top level.
    auto viewport = [&](std::size_t k, bool flat) {
        const workspace::Viewport& v = viewports_.viewports()[k];
        const viewer::Rect& c = cells_[k];
        const viewer::ViewContext ctx = viewports_.context(v, workspace_, static_cast<int>(c.width),
                                                           static_cast<int>(c.height));
        session::StackSession* s = v.empty() ? nullptr : workspace_.session(v.seriesId);
        if (!flat) {
            j.beginObject();
            j.key("index").value(static_cast<int>(k));
            j.key("active").value(static_cast<int>(k) == viewports_.active());
        }
        j.key("series").value(v.seriesId);
        j.key("frame").value(v.view.frame);
        j.key("frames").value(v.view.frameCount);
        j.key("center").value(v.view.center);
        j.key("width").value(v.view.width);
        j.key("window_adjusted").value(v.windowAdjusted);
        j.key("function").value(model::voiFunctionName(v.view.function));
        j.key("invert").value(v.view.invert);
        j.key("colormap").value(v.view.colormap);
        j.key("stage").value(pixel::stageName(v.view.stage));
        j.key("bit_plane").value(v.view.bitPlane);
        j.key("linear").value(v.view.linear);
        j.key("fit").value(v.view.fit);
        j.key("zoom").value(viewer::effectiveZoom(v.view, ctx));
        j.key("pan").beginArray().value(v.view.panX).value(v.view.panY).endArray();
        j.key("orientation").value(v.view.orientation.describe());
        j.key("cine").value(v.view.cine);
        j.key("file").value(s ? s->instanceOf(v.view.frame).path : std::string());
        j.key("frame_in_file").value(s ? s->frameInInstance(v.view.frame) + 1 : 0);
        j.key("resident").value(s && s->resident(v.view.frame));
        j.key("loaded").value(s ? static_cast<int>(s->progress().done) : 0);
        j.key("all_resident").value(s && s->allResident());
        j.key("window_slides").value(s ? s->slides() : 0);
        j.key("draws").value(v.draws());
        j.key("link_offset_mm").value(v.linkOffsetMm);
        // Where the image viewport is on the screen, for tests that click into it.
        j.key("viewport").beginArray().value(wx + c.x).value(wy + c.y).value(c.width);
        j.value(c.height).endArray();
        j.key("image_size").beginArray().value(ctx.imageWidth).value(ctx.imageHeight).endArray();
        j.key("pixel_aspect").value(ctx.pixelAspect);
        j.key("value_range").beginArray().value(ctx.valueMin).value(ctx.valueMax).endArray();
        j.key("presets").beginArray();
        for (const viewer::Preset& p : viewports_.presets(v, workspace_)) {
            j.value(p.name);
        }
        j.endArray();
        j.key("pins").beginArray();
        for (const viewer::Pin& pin : v.view.pins) {
            j.beginArray().value(pin.x).value(pin.y).value(pin.frame + 1).endArray();
        }
        j.endArray();
        j.key("measurements").beginArray();
        for (const viewer::Measurement& m : v.view.measurements) {
            j.beginObject().key("tool").value(viewer::toolName(m.tool));
            j.key("frame").value(m.frame + 1).key("complete").value(m.complete);
            j.key("points").beginArray();
            for (const auto& p : m.points) {
                j.beginArray().value(p.first).value(p.second).endArray();
            }
            j.endArray();
            if (s && s->resident(m.frame)) {
                const model::Instance& in = s->instanceOf(m.frame);
                const int f = s->frameInInstance(m.frame);
                const model::PixelBuffer* values =
                    m.frame == v.view.frame
                        ? const_cast<workspace::Viewport&>(v).frameValues(workspace_)
                        : nullptr;
                const viewer::MeasurementResult r = viewer::measure(
                    m, in, f, values, model::modalityUnits(in.modalityFor(f), in.modalityCode));
                j.key("text").value(r.text);
                if (r.lengthMm) {
                    j.key("length_mm").value(*r.lengthMm);
                }
                if (r.areaMm2) {
                    j.key("area_mm2").value(*r.areaMm2);
                }
                if (r.angleDegrees) {
                    j.key("angle").value(*r.angleDegrees);
                }
                if (r.statistics) {
                    j.key("mean").value(r.statistics->mean);
                    j.key("n").value(static_cast<unsigned long>(r.statistics->count));
                }
            }
            j.endObject();
        }
        j.endArray();
        if (const auto& plane = v.view.plane) {
            const pixel::PlaneView& pv = plane->view;
            auto vec = [&](const char* name, const pixel::Vec3& a) {
                j.key(name).beginArray().value(a[0]).value(a[1]).value(a[2]).endArray();
            };
            j.key("plane").beginObject().key("kind").value(pixel::planeKindName(plane->kind));
            vec("point", pv.plane.point);
            vec("right", pv.plane.right);
            vec("down", pv.plane.down);
            vec("origin", pv.origin);
            j.key("mm_per_pixel").value(pv.mmPerPixel).key("size").beginArray().value(pv.width);
            j.value(pv.height).endArray().key("slab_mm").value(plane->slabMm);
            j.key("projection").value(pixel::projectionName(plane->projection)).endObject();
            if (auto at = viewports_.crosshairOn(static_cast<int>(k))) {
                j.key("crosshair_screen").beginArray().value(wx + c.x + (*at)[0]);
                j.value(wy + c.y + (*at)[1]).endArray();
            }
        }
        j.key("notes").beginArray();
        for (const std::string& n :
             ViewportView::cornerNotes(AppContext{workspace_, viewports_, app_, renderer_,
                                                  messages_, actions_, probe_, widgets_},
                                       static_cast<int>(k))) {
            j.value(n);
        }
        j.endArray();
        if (auto line = viewports_.referenceLine(static_cast<int>(k), workspace_)) {
            double ax = 0, ay = 0, bx = 0, by = 0;
            viewer::imageToViewport(v.view, ctx, line->x0, line->y0, ax, ay);
            viewer::imageToViewport(v.view, ctx, line->x1, line->y1, bx, by);
            j.key("reference_line").beginArray().value(wx + c.x + ax).value(wy + c.y + ay);
            j.value(wx + c.x + bx).value(wy + c.y + by).endArray();
        }
        if (!flat) {
            j.endObject();
        }
    };
    j.beginObject();
    viewport(static_cast<std::size_t>(viewports_.active()), true);
    j.key("layout").value(viewports_.grid().name());
    j.key("active").value(viewports_.active());
    j.key("viewports").beginArray();
    for (std::size_t k = 0; k < viewports_.viewports().size(); ++k) {
        viewport(k, false);
    }
    j.endArray();
    if (const auto& x = viewports_.crosshair()) {
        j.key("crosshair").beginArray().value((*x)[0]).value((*x)[1]).value((*x)[2]).endArray();
    }
    j.key("links").beginObject().key("scroll").value(viewports_.links.scroll);
    j.key("by_index").value(viewports_.links.byIndex).key("window").value(viewports_.links.window);
    j.key("zoom_pan").value(viewports_.links.zoomPan).endObject();
    j.key("tool").value(viewer::toolName(app_.tool));
    j.key("annotations").value(app_.annotations);
    j.key("help").value(app_.showHelp);
    j.key("cine_fps").value(app_.cineFps);
    j.key("cine_measured_fps").value(measuredCineFps_);
    j.key("status").value(status_);
    j.key("panel").value(panels_[panel_]->name());
    j.key("panel_width").value(sidePanel_.width);
    j.key("ui_scale").value(static_cast<double>(scale_));
    j.key("last_export").value(lastExport_);
    j.key("uploaded_bytes").value(static_cast<unsigned long>(renderer_.uploadedBytes()));
    std::size_t stackImages = 0;
    for (const auto& s : workspace_.series()) {
        stackImages += s.stack.instances.size();
    }
    j.key("stacks").value(static_cast<unsigned long>(workspace_.series().size()));
    j.key("stack_files").value(static_cast<unsigned long>(stackImages));
    j.key("opening").value(workspace_.opening());
    if (workspace_.opening()) {
        // While opening, every UI frame is logged: tests see that frames keep coming.
        j.key("ui_frames").value(static_cast<long long>(ImGui::GetFrameCount()));
        const auto o = workspace_.openings().front();
        j.key("open_progress").beginArray().value(static_cast<unsigned long>(o.progress.done));
        j.value(static_cast<unsigned long>(o.progress.total)).endArray();
    }
    j.key("errors").value(static_cast<int>(messages_.errorCount()));
    j.key("last_error").value(messages_.lastError());
    j.key("messages").beginArray();
    for (const auto& m : messages_.shown()) {
        j.value(m.text);
    }
    j.endArray();
    j.key("recent").beginArray();
    for (const auto& r : workspace_.recent()) {
        j.value(r);
    }
    j.endArray();
    j.key("browser").value(browser_.visible() ? browser_.folder() : std::string());
    j.key("browser_error").value(browser_.visible() ? browser_.error() : std::string());
    j.key("window").beginArray().value(g.x).value(g.y).value(g.width).value(g.height).endArray();
    j.key("panel_overflow").beginObject();
    for (const auto& [name, overflow] : panelOverflow_) {
        j.key(name).value(static_cast<double>(overflow));
    }
    j.endObject();
    if (tags_) {
        j.key("tags").beginObject().key("file").value(tags_->shownFile());
        j.key("frame").value(tags_->shownFrame() + 1);
        j.key("instance_number").value(tags_->value(0x0020, 0x0013));
        j.key("image_position").value(tags_->value(0x0020, 0x0032)).endObject();
    }
    if (probe_) {
        j.key("probe").beginObject().key("viewport").value(probe_->viewport);
        j.key("x").value(probe_->x).key("y").value(probe_->y).key("frame").value(probe_->frame + 1);
        j.key("stored").value(static_cast<long long>(probe_->stored));
        j.key("modality").value(probe_->modality).key("voi").value(probe_->voi);
        j.key("output").value(probe_->output);
        j.key("kind").value(probe_->kind == Probe::Kind::Grey
                                ? "grey"
                                : (probe_->kind == Probe::Kind::Palette ? "palette" : "colour"));
        j.key("rgb").beginArray().value(static_cast<int>(probe_->rgb[0]));
        j.value(static_cast<int>(probe_->rgb[1])).value(static_cast<int>(probe_->rgb[2]));
        j.endArray();
        if (const auto& pp = probe_->plane) {
            const pixel::PlaneProbe& q = pp->probe;
            j.key("plane").beginObject();
            j.key("position").beginArray().value(q.position[0]).value(q.position[1]);
            j.value(q.position[2]).endArray();
            j.key("inside").value(q.state != pixel::VolumeSample::State::Outside);
            j.key("column").value(q.column).key("row").value(q.row).key("slice").value(q.slice);
            j.key("file").value(pp->file).key("stack_frame").value(pp->stackFrame + 1);
            j.key("value").value(q.value).endObject();
        }
        j.endObject();
    }
    if (compare_) {
        if (const auto& d = compare_->difference()) {
            j.key("compare").beginObject().key("compared").value(d->compared);
            j.key("pixels").value(static_cast<unsigned long>(d->pixels));
            j.key("differing").value(static_cast<unsigned long>(d->differing));
            j.key("max_abs").value(d->maxAbs).key("mean").value(d->mean).endObject();
        }
    }
    if (browser_.visible()) {
        widgets_["browser up"] = browser_.upButton();
    } else {
        widgets_.erase("browser up");
    }
    j.key("widgets").beginObject();
    for (const auto& [name, at] : widgets_) {
        j.key(name).beginArray().value(wx + static_cast<double>(at.x));
        j.value(wy + static_cast<double>(at.y)).endArray();
    }
    j.endObject();
    j.endObject();
    // One line per change of anything a test may read: the same state is not logged twice.
    if (logged_.changed(j.str())) {
        stateLog_ << j.str() << std::endl;
    }
}

}  // namespace dcmlens::app
