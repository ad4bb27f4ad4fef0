#include "cli/plane_engine.hpp"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <thread>

#include "common/error.hpp"
#include "series/stack_loader.hpp"

namespace dcmlens::cli {

namespace {

std::vector<double> parseNumbers(const std::string& option, const std::string& text,
                                 std::size_t count, const std::string& example) {
    std::vector<double> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ',')) {
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0' || !std::isfinite(v)) {
            throw UsageError{option + " needs " + example + ", not '" + text + "'"};
        }
        out.push_back(v);
    }
    if (out.size() != count || (!text.empty() && text.back() == ',')) {
        throw UsageError{option + " needs " + example + ", not '" + text + "'"};
    }
    return out;
}

}  // namespace

const std::set<std::string>& planeOptionNames() {
    static const std::set<std::string> names = {"--plane", "--at", "--axes", "--slab",
                                                "--projection"};
    return names;
}

std::optional<PlaneSettings> readPlaneOptions(const Arguments& a) {
    bool any = false;
    for (const std::string& name : planeOptionNames()) {
        any = any || a.has(name);
    }
    if (!any) {
        return std::nullopt;
    }
    PlaneSettings s;
    if (auto p = a.value("--plane")) {
        const auto kind = pixel::parsePlaneKind(*p);
        if (!kind) {
            throw UsageError{"--plane is axial, coronal, sagittal or oblique, not '" + *p + "'"};
        }
        s.kind = *kind;
    } else if (a.has("--axes")) {
        s.kind = pixel::PlaneKind::Oblique;
    }
    if (auto at = a.value("--at")) {
        const auto v = parseNumbers("--at", *at, 3, "X,Y,Z (patient mm)");
        s.at = pixel::Vec3{v[0], v[1], v[2]};
    }
    if (auto axes = a.value("--axes")) {
        if (s.kind != pixel::PlaneKind::Oblique) {
            throw UsageError{"--axes gives an oblique plane's directions: not with --plane " +
                             std::string(pixel::planeKindName(s.kind))};
        }
        const auto v = parseNumbers("--axes", *axes, 6, "RX,RY,RZ,DX,DY,DZ");
        s.axes = std::array<pixel::Vec3, 2>{pixel::Vec3{v[0], v[1], v[2]},
                                            pixel::Vec3{v[3], v[4], v[5]}};
    } else if (s.kind == pixel::PlaneKind::Oblique) {
        throw UsageError{
            "--plane oblique needs --axes RX,RY,RZ,DX,DY,DZ (the screen's right and "
            "down in patient space)"};
    }
    if (auto p = a.value("--projection")) {
        const auto projection = pixel::parseProjection(*p);
        if (!projection || *projection == pixel::Projection::None) {
            throw UsageError{"--projection is mip, minip or mean, not '" + *p + "'"};
        }
        s.projection = *projection;
        if (!a.has("--slab")) {
            throw UsageError{"--projection needs --slab MM (the slab's thickness, or all)"};
        }
    }
    if (auto slab = a.value("--slab")) {
        if (*slab == "all") {
            s.slab = std::numeric_limits<double>::infinity();
        } else {
            s.slab = parseNumbers("--slab", *slab, 1, "MM (a thickness >= 0) or all")[0];
            if (s.slab < 0) {
                throw UsageError{"--slab needs a thickness of 0 mm or more"};
            }
        }
        if (s.projection == pixel::Projection::None) {
            s.projection = pixel::Projection::Mip;  // a slab without a projection: MIP
        }
    }
    return s;
}

OpenedVolume openVolume(const std::vector<std::string>& paths) {
    OpenedVolume out;
    std::vector<std::string> problems;
    const std::vector<std::string> files = series::listFiles(paths, &problems);
    series::HeaderScan scan = series::scanHeaders(files);
    out.errors = problems;
    out.errors.insert(out.errors.end(), scan.errors.begin(), scan.errors.end());
    std::vector<series::SeriesStack> stacks = series::buildStacks(std::move(scan.headers));
    if (stacks.empty()) {
        throw Error("no DICOM images found" +
                    (out.errors.empty() ? std::string() : " (" + out.errors.front() + ")"));
    }
    series::VolumeBuild built = series::buildVolume(stacks.front());
    if (!built.volume) {
        throw Error("cannot reformat this series (" + stacks.front().description +
                    "): " + built.problem);
    }
    out.stack = std::move(stacks.front());
    out.geometry = std::move(*built.volume);
    return out;
}

pixel::PlaneView planeView(const series::VolumeGeometry& volume, const PlaneSettings& settings,
                           const std::optional<std::pair<int, int>>& size) {
    const pixel::Vec3 at = settings.at.value_or(volume.center());
    pixel::Plane plane = pixel::standardPlane(settings.kind, at);
    if (settings.kind == pixel::PlaneKind::Oblique) {
        std::string why;
        const auto oblique =
            pixel::obliquePlane(at, (*settings.axes)[0], (*settings.axes)[1], &why);
        if (!oblique) {
            throw UsageError{"--axes: " + why};
        }
        plane = *oblique;
    }
    pixel::PlaneView view =
        size ? volume.fitView(plane, size->first, size->second) : volume.fitView(plane);
    if (!size && (view.width > 16384 || view.height > 16384)) {
        // Too many pixels of the finest spacing: the largest output, fitted.
        view = volume.fitView(plane, std::min(view.width, 16384), std::min(view.height, 16384));
    }
    return view;
}

const model::Instance& DecodedVolume::reference(const series::VolumeGeometry& g) const {
    return *instances[g.slices()[g.slices().size() / 2].instance];
}

int DecodedVolume::referenceFrame(const series::VolumeGeometry& g) const {
    return g.slices()[g.slices().size() / 2].instanceFrame;
}

DecodedVolume decodeVolume(const OpenedVolume& volume) {
    DecodedVolume out;
    out.instances.resize(volume.stack.instances.size());
    std::vector<std::size_t> pending;
    std::vector<std::shared_ptr<const model::Instance>> headers;
    for (std::size_t i = 0; i < volume.stack.instances.size(); ++i) {
        if (volume.stack.instances[i]->stored.empty()) {
            pending.push_back(i);
            headers.push_back(volume.stack.instances[i]);
        } else {
            out.instances[i] = volume.stack.instances[i];
        }
    }
    series::StackLoader loader(headers, 0);
    while (true) {
        for (auto& r : loader.takeReady()) {
            out.instances[pending[r.index]] = std::move(r.instance);
        }
        const auto errors = loader.takeErrors();
        if (!errors.empty()) {
            throw Error(errors.front());
        }
        const auto p = loader.progress();
        if (p.finished()) {
            for (auto& r : loader.takeReady()) {
                out.instances[pending[r.index]] = std::move(r.instance);
            }
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (const auto& s : volume.geometry.slices()) {
        const auto& in = out.instances[s.instance];
        if (!in || in->stored.empty()) {
            throw Error(volume.stack.instances[s.instance]->path + ": not decoded");
        }
        pixel::VolumeSlice slice;
        slice.buffer = &in->stored;
        slice.frame = s.instanceFrame;
        slice.modality = pixel::ModalityTransform(in->modalityFor(s.instanceFrame), in->pixel);
        if (auto r =
                pixel::modalityRange(in->stored, s.instanceFrame, slice.modality, in->padding)) {
            out.range = out.range ? pixel::ValueRange{std::min(out.range->min, r->min),
                                                      std::max(out.range->max, r->max)}
                                  : *r;
        }
        out.slices.push_back(slice);
    }
    return out;
}

pixel::GrayPipeline planePipeline(const OpenedVolume& volume, const DecodedVolume& decoded,
                                  const pixel::DisplayOptions& options) {
    return pixel::makePlanePipeline(decoded.reference(volume.geometry),
                                    decoded.referenceFrame(volume.geometry), options,
                                    decoded.range);
}

GpuVolumeSession::GpuVolumeSession(const OpenedVolume& volume) {
    context_ = std::make_unique<headless::EglContext>();
    renderer_ = std::make_unique<render::Renderer>();
    session_ = std::make_unique<session::StackSession>(*renderer_, volume.stack, 0);
    if (!session_->volume()) {
        throw Error("cannot reformat this series on this GPU: " + session_->volumeProblem());
    }
    while (!session_->allResident()) {
        const bool progressed = session_->pump(64ull << 20) > 0;
        const auto errors = session_->takeErrors();
        if (!errors.empty()) {
            throw Error(errors.front());
        }
        if (!progressed) {
            if (session_->progress().finished() && !session_->allResident()) {
                throw Error("some slices could not be loaded");
            }
            std::this_thread::sleep_for(std::chrono::microseconds(500));
        }
    }
}

GpuVolumeSession::~GpuVolumeSession() {
    session_.reset();
    renderer_.reset();
    context_.reset();
}

pixel::Image GpuVolumeSession::draw(const pixel::PlaneView& view, const PlaneSettings& settings,
                                    const pixel::DisplayOptions& options, bool linear) {
    render::Framebuffer target(view.width, view.height);
    target.bind();
    session_->drawPlane(view, settings.slab, settings.projection, options, linear);
    return target.read(options.colormap == "gray" ? 1 : 3);
}

}  // namespace dcmlens::cli
