#include "series/series_builder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

#include "common/error.hpp"
#include "dicom/dicomdir.hpp"
#include "series/stack.hpp"

namespace dcmlens::series {

namespace {

std::optional<std::array<double, 3>> normalOf(const model::Instance& in) {
    if (!in.geometry.orientation) {
        return std::nullopt;
    }
    const auto& o = *in.geometry.orientation;
    return std::array<double, 3>{o[1] * o[5] - o[2] * o[4], o[2] * o[3] - o[0] * o[5],
                                 o[0] * o[4] - o[1] * o[3]};
}

std::string stackKey(const model::Instance& in) {
    char key[256];
    std::string orientation = "-";
    if (in.geometry.orientation) {
        const auto& o = *in.geometry.orientation;
        std::snprintf(key, sizeof key, "%.2f/%.2f/%.2f/%.2f/%.2f/%.2f", o[0], o[1], o[2], o[3],
                      o[4], o[5]);
        orientation = key;
    }
    std::snprintf(key, sizeof key, "%dx%dx%d|", in.pixel.columns, in.pixel.rows,
                  in.pixel.samplesPerPixel);
    return std::string(key) + orientation + "|" + in.geometry.frameOfReferenceUid + "|" +
           std::to_string(in.pixel.bitsStored) + (in.pixel.isSigned ? "s" : "u");
}

}  // namespace

std::size_t SeriesStack::frameCount() const {
    std::size_t n = 0;
    for (const auto& i : instances) {
        n += static_cast<std::size_t>(std::max(1, i->pixel.frames));
    }
    return n;
}

std::vector<SeriesStack> buildStacks(std::vector<std::shared_ptr<const model::Instance>> headers) {
    std::map<std::string, SeriesStack> stacks;
    for (auto& h : headers) {
        const std::string key =
            h->studyInstanceUid + "|" + h->seriesInstanceUid + "|" + stackKey(*h);
        SeriesStack& s = stacks[key];
        s.studyUid = h->studyInstanceUid;
        s.seriesUid = h->seriesInstanceUid;
        s.instances.push_back(std::move(h));
    }
    std::vector<SeriesStack> out;
    for (auto& [key, s] : stacks) {
        sortForDisplay(s.instances);
        const model::Instance& first = *s.instances.front();
        s.description = first.modalityCode +
                        (first.seriesDescription.empty() ? "" : " " + first.seriesDescription) +
                        ", " + std::to_string(first.pixel.columns) + "x" +
                        std::to_string(first.pixel.rows) + ", " + std::to_string(s.frameCount()) +
                        (s.frameCount() == 1 ? " image" : " images");
        out.push_back(std::move(s));
    }
    std::stable_sort(out.begin(), out.end(), [](const SeriesStack& a, const SeriesStack& b) {
        return a.frameCount() > b.frameCount();
    });
    return out;
}

GeometryReport checkGeometry(const SeriesStack& stack) {
    GeometryReport report;
    const auto& in = stack.instances;
    if (in.size() < 2) {
        return report;
    }
    const auto normal = normalOf(*in.front());
    if (!normal ||
        std::any_of(in.begin(), in.end(), [](const auto& i) { return !i->geometry.position; })) {
        report.warnings.push_back(
            "no Image Position/Orientation (Patient): sorted by Instance Number");
        return report;
    }
    std::vector<double> along;
    for (const auto& i : in) {
        const auto& p = *i->geometry.position;
        along.push_back(p[0] * (*normal)[0] + p[1] * (*normal)[1] + p[2] * (*normal)[2]);
    }
    std::vector<double> gaps;
    for (std::size_t k = 1; k < along.size(); ++k) {
        gaps.push_back(std::abs(along[k] - along[k - 1]));
    }
    std::vector<double> sorted = gaps;
    std::nth_element(sorted.begin(),
                     sorted.begin() + static_cast<std::ptrdiff_t>(sorted.size() / 2), sorted.end());
    report.spacing = sorted[sorted.size() / 2];
    int duplicates = 0;
    int uneven = 0;
    for (std::size_t k = 0; k < gaps.size(); ++k) {
        if (gaps[k] < 1e-3) {
            ++duplicates;
        } else if (report.spacing > 0 && gaps[k] > 1.5 * report.spacing) {
            const int n = static_cast<int>(std::lround(gaps[k] / report.spacing)) - 1;
            char text[160];
            std::snprintf(text, sizeof text,
                          "%d missing slice%s between images %zu and %zu (gap %.2f mm)",
                          std::max(1, n), n > 1 ? "s" : "", k + 1, k + 2, gaps[k]);
            report.warnings.push_back(text);
        } else if (report.spacing > 0 && gaps[k] < 0.5 * report.spacing) {
            ++uneven;
        }
    }
    if (duplicates > 0) {
        report.warnings.push_back(std::to_string(duplicates) + " duplicate slice position" +
                                  (duplicates > 1 ? "s" : ""));
    }
    if (uneven > 0) {
        report.warnings.push_back("uneven slice spacing at " + std::to_string(uneven) + " place" +
                                  (uneven > 1 ? "s" : ""));
    }
    // Gantry tilt: the step between the first and last slice is not along the normal.
    const auto& a = *in.front()->geometry.position;
    const auto& b = *in.back()->geometry.position;
    const double d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
    const double length = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    if (length > 1e-6) {
        const double cosine =
            std::abs(d[0] * (*normal)[0] + d[1] * (*normal)[1] + d[2] * (*normal)[2]) / length;
        const double degrees = std::acos(std::min(1.0, cosine)) * 180 / 3.14159265358979;
        if (degrees > 0.5) {
            char text[96];
            std::snprintf(text, sizeof text, "gantry tilt or sheared stack: %.1f degrees", degrees);
            report.warnings.push_back(text);
        }
    }
    return report;
}

std::vector<std::string> listFiles(const std::vector<std::string>& paths,
                                   std::vector<std::string>* problems, ScanControl* control) {
    std::vector<std::string> files;
    for (const std::string& path : paths) {
        if (control && control->cancel) {
            break;
        }
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            std::vector<std::string> found;
            for (auto it = std::filesystem::recursive_directory_iterator(
                     path, std::filesystem::directory_options::skip_permission_denied, ec);
                 !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
                if (control && control->cancel) {
                    break;
                }
                // A DICOMDIR in a folder only indexes files the walk finds anyway.
                if (it->is_regular_file(ec) && !dicom::isDicomdirName(it->path().string())) {
                    found.push_back(it->path().string());
                    if (control) {
                        control->listed += 1;
                    }
                }
            }
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        } else if (dicom::isDicomdir(path)) {
            // A DICOMDIR named by the user: the files its records reference, in record order
            // (other files of the media folder are not part of the file-set).
            try {
                dicom::DicomdirContents dir = dicom::readDicomdir(path);
                files.insert(files.end(), dir.files.begin(), dir.files.end());
                if (problems) {
                    problems->insert(problems->end(), dir.problems.begin(), dir.problems.end());
                }
            } catch (const Error& e) {
                if (!problems) {
                    throw Error(path + ": " + e.what());
                }
                problems->push_back(path + ": " + e.what());
            }
        } else {
            files.push_back(path);
        }
        if (control) {
            control->listed = files.size();
        }
    }
    return files;
}

}  // namespace dcmlens::series

#include <atomic>
#include <thread>

#include "common/error.hpp"
#include "dicom/dicom_file.hpp"

namespace dcmlens::series {

HeaderScan scanHeaders(const std::vector<std::string>& files, unsigned threads,
                       ScanControl* control) {
    std::vector<std::shared_ptr<const model::Instance>> headers(files.size());
    std::vector<std::string> errors(files.size());
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t i = next++; i < files.size(); i = next++) {
            if (control && control->cancel) {
                return;
            }
            struct Count {
                ScanControl* control;
                ~Count() {
                    if (control) {
                        control->scanned += 1;
                    }
                }
            } count{control};
            try {
                dicom::DicomFile file(files[i]);
                if (!file.hasImage()) {
                    errors[i] = files[i] + ": no pixel data (7FE0,0010): not an image";
                    continue;
                }
                file.checkPixelData();  // before the session keeps anything per frame
                headers[i] = std::make_shared<const model::Instance>(file.release());
            } catch (const Error& e) {
                errors[i] = files[i] + ": " + e.what();
            }
        }
    };
    const unsigned n = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (unsigned t = 1; t < n; ++t) {
        pool.emplace_back(work);
    }
    work();
    for (auto& t : pool) {
        t.join();
    }
    HeaderScan scan;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (headers[i]) {
            scan.headers.push_back(std::move(headers[i]));
        } else if (!errors[i].empty()) {
            scan.errors.push_back(std::move(errors[i]));
        }
    }
    return scan;
}

}  // namespace dcmlens::series
