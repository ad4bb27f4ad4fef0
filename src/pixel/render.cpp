#include "pixel/render.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "common/error.hpp"
#include "pixel/auto_window.hpp"
#include "pixel/color.hpp"
#include "pixel/colormap.hpp"
#include "pixel/view_sampling.hpp"

namespace dcmlens::pixel {

bool invertsOutput(const model::Instance& instance, const DisplayOptions& options) {
    if (auto shape = options.presentation ? options.presentation : instance.presentationShape) {
        return *shape == model::PresentationShape::Inverse;
    }
    return instance.pixel.photometric == model::Photometric::Monochrome1;
}

const char* stageName(DisplayOptions::Stage stage) {
    switch (stage) {
        case DisplayOptions::Stage::Output:
            return "output";
        case DisplayOptions::Stage::Voi:
            return "voi";
        case DisplayOptions::Stage::Modality:
            return "modality";
        case DisplayOptions::Stage::Stored:
            return "stored";
    }
    return "output";
}

std::optional<DisplayOptions::Stage> parseStage(const std::string& name) {
    for (auto stage : {DisplayOptions::Stage::Output, DisplayOptions::Stage::Voi,
                       DisplayOptions::Stage::Modality, DisplayOptions::Stage::Stored}) {
        if (name == stageName(stage)) {
            return stage;
        }
    }
    return std::nullopt;
}

GrayPipeline makeGrayPipeline(const model::Instance& instance, const FrameRef& ref,
                              const DisplayOptions& options) {
    const int frame = ref.instanceFrame;
    using Stage = DisplayOptions::Stage;
    GrayPipeline p;
    p.modality = options.stage == Stage::Stored
                     ? ModalityTransform(model::ModalityInfo{}, instance.pixel)  // identity
                     : ModalityTransform(instance.modalityFor(frame), instance.pixel);
    p.invert = options.stage == Stage::Output && invertsOutput(instance, options);
    if (options.stage == Stage::Stored || options.stage == Stage::Modality) {
        // A value stage: a LINEAR window over the values (the one given, else min-max), no VOI
        // LUT, so that the grey level is proportional to the value shown.
        std::optional<model::Window> window;
        if (options.windowMode == DisplayOptions::WindowMode::Explicit) {
            window = model::Window{options.center, options.width, "explicit"};
        } else if (auto range =
                       modalityRange(ref.buffer, ref.bufferFrame, p.modality, instance.padding)) {
            window = minMaxWindow(*range);
        }
        std::optional<VoiTransform> voi;
        if (window) {
            voi = VoiTransform::window(window->center, window->width, model::VoiFunction::Linear);
        }
        p.voi = voi.value_or(VoiTransform::none(p.modality.absMinimum(), p.modality.absMaximum()));
        return p;
    }
    const model::VoiFunction function =
        options.voiFunction.value_or(instance.voiFunctionFor(frame));
    const auto& windows = instance.windowsFor(frame);
    const VoiTransform noVoi = VoiTransform::none(p.modality.absMinimum(), p.modality.absMaximum());

    if (options.voiLutIndex) {
        const int k = *options.voiLutIndex;
        if (k < 0 || k >= static_cast<int>(instance.voi.luts.size())) {
            throw Error("VOI LUT " + std::to_string(k + 1) + " does not exist (the file has " +
                        std::to_string(instance.voi.luts.size()) + ")");
        }
        p.voi = VoiTransform::lut(instance.voi.luts[static_cast<std::size_t>(k)]);
        return p;
    }

    std::optional<model::Window> window;
    using Mode = DisplayOptions::WindowMode;
    Mode mode = options.windowMode;
    if (mode == Mode::FileDefault) {
        mode = windows.empty() ? Mode::MinMax : Mode::Index;
    }
    switch (mode) {
        case Mode::Index: {
            const int k = mode == options.windowMode ? options.windowIndex : 0;
            if (k < 0 || k >= static_cast<int>(windows.size())) {
                throw Error("window " + std::to_string(k + 1) + " does not exist (the file has " +
                            std::to_string(windows.size()) + ")");
            }
            window = windows[static_cast<std::size_t>(k)];
            break;
        }
        case Mode::Explicit:
            window = model::Window{options.center, options.width, "explicit"};
            break;
        case Mode::MinMax:
            if (auto range =
                    modalityRange(ref.buffer, ref.bufferFrame, p.modality, instance.padding)) {
                window = minMaxWindow(*range);
            }
            break;
        case Mode::Percentile:
            window = percentileWindow(ref.buffer, ref.bufferFrame, p.modality, instance.padding,
                                      options.percentileLow, options.percentileHigh);
            break;
        case Mode::None:
        case Mode::FileDefault:
            break;
    }
    // A min-max window is LINEAR by definition (DCMTK's +Wm); other windows use the function
    // asked for. An invalid width falls back to no VOI, as DCMTK does.
    const model::VoiFunction fn = mode == Mode::MinMax ? model::VoiFunction::Linear : function;
    std::optional<VoiTransform> voi;
    if (window) {
        voi = VoiTransform::window(window->center, window->width, fn);
    }
    p.voi = voi.value_or(noVoi);
    return p;
}

namespace {

// The sampling of one axis (view_sampling.hpp) for every view pixel along it: the nearest
// source pixel (-1: outside, black) and, for bilinear, the first of the two pixels and the
// weight of the second.
struct AxisTable {
    std::vector<int> nearest;
    std::vector<int> left;
    std::vector<double> weight;
};

AxisTable axisTable(const AxisSampling& a, int viewSize) {
    AxisTable t;
    t.nearest.assign(static_cast<std::size_t>(viewSize), -1);
    t.left.assign(static_cast<std::size_t>(viewSize), 0);
    t.weight.assign(static_cast<std::size_t>(viewSize), 0.0);
    for (int o = a.first; o <= a.last; ++o) {
        const std::int32_t p = a.position(o);
        const auto i = static_cast<std::size_t>(o);
        t.nearest[i] = a.nearest(p);
        t.left[i] = a.linear(p, t.weight[i]);
    }
    return t;
}

// Both axes of a view into a width x height output, on the view's grid (the output as the
// unturned image fills it: height x width for a quarter turn).
struct ViewTables {
    AxisTable columns;
    AxisTable rows;
};

ViewTables viewTables(const ViewMapping& view, int imageWidth, int imageHeight, int width,
                      int height) {
    const int vw = viewWidth(view.orientation, width, height);
    const int vh = viewHeight(view.orientation, width, height);
    const ViewSampling s = viewSampling(view, imageWidth, imageHeight, vw, vh);
    return {axisTable(s.x, vw), axisTable(s.y, vh)};
}

// Calls f(x, y, column, row) for every output pixel (x, y) that shows the image, with the view
// pixel it shows (the indices into the two axis tables: the orientation turns output pixels
// into view pixels first, exactly, in integers); other pixels stay black.
template <class F>
void forEachOutputPixel(int width, int height, const Orientation& orientation, const ViewTables& t,
                        F&& f) {
    const AxisTable& columns = t.columns;
    const AxisTable& rows = t.rows;
    if (!orientation.identity()) {
        for (int y = 0; y < height; ++y) {
            for (int x = 0; x < width; ++x) {
                int u = 0;
                int v = 0;
                outputToViewPixel(orientation, width, height, x, y, u, v);
                const auto c = static_cast<std::size_t>(u);
                const auto r = static_cast<std::size_t>(v);
                if (columns.nearest[c] >= 0 && rows.nearest[r] >= 0) {
                    f(x, y, c, r);
                }
            }
        }
        return;
    }
    for (int y = 0; y < height; ++y) {
        if (rows.nearest[static_cast<std::size_t>(y)] < 0) {
            continue;
        }
        for (int x = 0; x < width; ++x) {
            if (columns.nearest[static_cast<std::size_t>(x)] >= 0) {
                f(x, y, static_cast<std::size_t>(x), static_cast<std::size_t>(y));
            }
        }
    }
}

Image renderGray(const model::Instance& instance, const FrameRef& ref,
                 const DisplayOptions& options, int width, int height, const ViewMapping& view,
                 bool linear) {
    const GrayPipeline pipeline = makeGrayPipeline(instance, ref, options);
    const Colormap* colormap = findColormap(options.colormap);
    if (colormap == nullptr) {
        throw Error("unknown colormap '" + options.colormap + "'");
    }
    const model::PixelBuffer& frames = ref.buffer;
    const int frame = ref.bufferFrame;
    const int w = frames.width();
    const int h = frames.height();
    auto modalityAt = [&](int x, int y) {
        return pipeline.modality.apply(
            frames.at(frame, std::clamp(x, 0, w - 1), std::clamp(y, 0, h - 1), 0));
    };
    const bool gray = colormap->isGray();
    Image out(width, height, gray ? 1 : 3);
    const ViewTables tables = viewTables(view, w, h, width, height);
    const AxisTable& columns = tables.columns;
    const AxisTable& rows = tables.rows;
    forEachOutputPixel(
        width, height, view.orientation, tables, [&](int x, int y, std::size_t c, std::size_t r) {
            double m;
            if (linear) {
                // The same pixels and weights as the shader (view_sampling.hpp); the weights are
                // exact in float and double alike.
                const int x0 = columns.left[c];
                const int y0 = rows.left[r];
                const double fx = columns.weight[c];
                const double fy = rows.weight[r];
                const double top = modalityAt(x0, y0) * (1 - fx) + modalityAt(x0 + 1, y0) * fx;
                const double bottom =
                    modalityAt(x0, y0 + 1) * (1 - fx) + modalityAt(x0 + 1, y0 + 1) * fx;
                m = top * (1 - fy) + bottom * fy;
            } else {
                m = modalityAt(columns.nearest[c], rows.nearest[r]);
            }
            const int level = quantise(pipeline.voi.apply(m, pipeline.invert));
            std::uint8_t* o = out.pixel(x, y);
            if (gray) {
                o[0] = static_cast<std::uint8_t>(level);
            } else {
                std::copy_n(colormap->table[static_cast<std::size_t>(level)].begin(), 3, o);
            }
        });
    return out;
}

Image renderColor(const model::Instance& instance, const model::PixelBuffer& frames, int frame,
                  int width, int height, const ViewMapping& view) {
    Image out(width, height, 3);
    const int bits = instance.pixel.bitsStored;
    const model::Photometric photometric = instance.decodedPhotometric;
    const bool ybr = photometric == model::Photometric::YbrFull ||
                     photometric == model::Photometric::YbrFull422 ||
                     photometric == model::Photometric::YbrPartial422;
    const bool palette = frames.samples() == 1;
    if (palette && !instance.palette) {
        throw Error("PALETTE COLOR image without complete palette tables (0028,1101-1203)");
    }
    const ViewTables tables = viewTables(view, frames.width(), frames.height(), width, height);
    const AxisTable& columns = tables.columns;
    const AxisTable& rows = tables.rows;
    forEachOutputPixel(
        width, height, view.orientation, tables,
        [&](int x, int y, std::size_t column, std::size_t row) {
            const int ix = columns.nearest[column];
            const int iy = rows.nearest[row];
            std::uint8_t* o = out.pixel(x, y);
            if (palette) {
                const auto rgb = paletteLookup(*instance.palette, frames.at(frame, ix, iy, 0));
                for (int c = 0; c < 3; ++c) {
                    o[c] = static_cast<std::uint8_t>(rgb[c]);
                }
                return;
            }
            std::int64_t s[3] = {frames.at(frame, ix, iy, 0), frames.at(frame, ix, iy, 1),
                                 frames.at(frame, ix, iy, 2)};
            if (ybr) {
                const auto rgb =
                    ybrToRgb(s[0], s[1], s[2], bits, photometric == model::Photometric::YbrFull);
                std::copy(rgb.begin(), rgb.end(), s);
            }
            for (int c = 0; c < 3; ++c) {
                o[c] = static_cast<std::uint8_t>(colorTo8Bit(s[c], bits));
            }
        });
    return out;
}

}  // namespace

Image renderView(const model::Instance& instance, const FrameRef& ref,
                 const DisplayOptions& options, int width, int height, const ViewMapping& view,
                 bool linear) {
    if (ref.bufferFrame < 0 || ref.bufferFrame >= ref.buffer.frames()) {
        throw Error("frame " + std::to_string(ref.instanceFrame + 1) + " is not decoded");
    }
    if (ref.buffer.samples() == 3 ||
        instance.pixel.photometric == model::Photometric::PaletteColor) {
        return renderColor(instance, ref.buffer, ref.bufferFrame, width, height, view);
    }
    return renderGray(instance, ref, options, width, height, view, linear);
}

Image renderFrame(const model::Instance& instance, const FrameRef& ref,
                  const DisplayOptions& options) {
    return renderView(instance, ref, options, ref.buffer.width(), ref.buffer.height(),
                      ViewMapping{}, false);
}

double pixelAspect(const model::Geometry& geometry) {
    if (geometry.pixelSpacing && (*geometry.pixelSpacing)[0] > 0 &&
        (*geometry.pixelSpacing)[1] > 0) {
        return (*geometry.pixelSpacing)[0] / (*geometry.pixelSpacing)[1];
    }
    if (geometry.aspectRatio && (*geometry.aspectRatio)[0] > 0 && (*geometry.aspectRatio)[1] > 0) {
        return (*geometry.aspectRatio)[0] / (*geometry.aspectRatio)[1];
    }
    return 1.0;
}

ViewMapping fitView(int imageWidth, int imageHeight, double aspect, int width, int height) {
    const double shownW = imageWidth;
    const double shownH = imageHeight * aspect;
    const double zoom = std::min(width / shownW, height / shownH);
    ViewMapping v;
    v.offsetX = (width - shownW * zoom) / 2;
    v.offsetY = (height - shownH * zoom) / 2;
    v.scaleX = 1 / zoom;
    v.scaleY = 1 / (zoom * aspect);
    return v;
}

Image resample(const Image& image, int width, int height, const ViewMapping& view) {
    Image out(width, height, image.channels);
    const ViewTables tables = viewTables(view, image.width, image.height, width, height);
    forEachOutputPixel(
        width, height, view.orientation, tables, [&](int x, int y, std::size_t c, std::size_t r) {
            std::copy_n(image.pixel(tables.columns.nearest[c], tables.rows.nearest[r]),
                        image.channels, out.pixel(x, y));
        });
    return out;
}

ViewMapping fitView(int imageWidth, int imageHeight, double aspect, int width, int height,
                    const Orientation& orientation) {
    ViewMapping v = fitView(imageWidth, imageHeight, aspect, viewWidth(orientation, width, height),
                            viewHeight(orientation, width, height));
    v.orientation = orientation;
    return v;
}

}  // namespace dcmlens::pixel
