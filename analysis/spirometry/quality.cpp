#include "analysis/spirometry/quality.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace odyo::spirometry {
namespace {

template <typename... A>
std::string fmt(const char* f, A... a) {
  char buf[320];
  std::snprintf(buf, sizeof buf, f, a...);
  return buf;
}

}  // namespace

double repeatability_tolerance_l(double age_years, double highest_l) {
  if (age_years > 6.0) return 0.150;
  return std::max(0.100, 0.10 * highest_l);
}

Quality assess_quality(const ManoeuvreIndices& m, std::optional<double> largest_prior_fvc_l,
                       double age_years) {
  Quality q;
  bool fev1_acc = true, fvc_acc = true, fev1_use = true, fvc_use = true;
  auto add = [&](std::string code, std::string tr, std::string en) {
    q.reasons.push_back(Reason{std::move(code), std::move(tr), std::move(en)});
  };

  // 1. Back-extrapolated volume.
  const double bev_limit = std::max(kBevLimitFraction * m.fvc_l, kBevLimitMin_l);
  if (m.bev_l > bev_limit + 1e-12) {
    fev1_acc = fvc_acc = fev1_use = fvc_use = false;
    add("bev_high",
        fmt("Geriye ekstrapole hacim %.3f L, sınır %.3f L (FVC'nin %%5'i veya 0,100 L): üfleme "
            "tereddütlü başladı; derin nefesten sonra duraksamadan, en hızlı şekilde üfletin.",
            m.bev_l, bev_limit),
        fmt("Back-extrapolated volume %.3f L exceeds %.3f L (5 %% of FVC or 0.100 L): the blow "
            "started hesitantly; ask for a blast out without pause after the full breath in.",
            m.bev_l, bev_limit));
  }
  // 2. Zero-flow setting.
  if (m.baseline_checked && std::abs(m.baseline_offset_lps) > kZeroFlowTolerance_lps) {
    fev1_acc = fvc_acc = fev1_use = fvc_use = false;
    add("zero_flow_fault",
        fmt("Dinlenmede akış %.3f L/s (sıfır olmalı, en fazla ±%.3f L/s): sensörün sıfır ayarı "
            "hatalı; cihazı sıfırlayıp üflemeyi tekrarlayın.",
            m.baseline_offset_lps, kZeroFlowTolerance_lps),
        fmt("Flow at rest is %.3f L/s (must be zero within ±%.3f L/s): the sensor's zero is "
            "faulty; re-zero the device and repeat the blow.",
            m.baseline_offset_lps, kZeroFlowTolerance_lps));
  }
  // 3. Cough in the first second.
  if (m.cough_time_s && *m.cough_time_s <= 1.0) {
    fev1_acc = fev1_use = false;
    add("cough_first_second",
        fmt("İlk saniyede öksürük (%.2f s'de akış %.2f L/s yeniden yükseldi): FEV1 "
            "kullanılamaz; üflemeyi tekrarlatın.",
            *m.cough_time_s, m.cough_rise_lps),
        fmt("Cough in the first second (flow rose again by %.2f L/s at %.2f s): FEV1 cannot be "
            "used; repeat the blow.",
            m.cough_rise_lps, *m.cough_time_s));
  }
  // 4/5. Glottic closure (abrupt stop of flow).
  if (m.abrupt_stop_time_s) {
    if (*m.abrupt_stop_time_s <= 1.0) {
      fev1_acc = fvc_acc = fev1_use = fvc_use = false;
      add("glottic_closure_first_second",
          fmt("İlk saniyede akış aniden kesildi (%.2f s, glottik kapanma): üflemeyi "
              "tekrarlatın, boğazı açık tutmasını söyleyin.",
              *m.abrupt_stop_time_s),
          fmt("Flow stopped abruptly in the first second (%.2f s, glottic closure): repeat the "
              "blow and ask the worker to keep the throat open.",
              *m.abrupt_stop_time_s));
    } else {
      fvc_acc = false;
      add("glottic_closure_late",
          fmt("Akış %.2f s'de aniden kesildi (glottik kapanma veya erken bitirme): FVC kabul "
              "edilemez; sonuna kadar üflemesini söyleyin.",
              *m.abrupt_stop_time_s),
          fmt("Flow stopped abruptly at %.2f s (glottic closure or early stop): FVC is not "
              "acceptable; ask the worker to keep blowing to the end.",
              *m.abrupt_stop_time_s));
    }
  }
  // 6. End of forced expiration.
  q.plateau = m.eofe_volume_last_1s_l < kPlateauVolume_l && m.fet_s >= 1.0;
  q.fet_15s = m.fet_s >= kEofeMinFet_s - 1e-9;
  if (largest_prior_fvc_l) {
    const double tol = repeatability_tolerance_l(age_years, *largest_prior_fvc_l);
    q.fvc_repeatable = m.fvc_l >= *largest_prior_fvc_l - tol - 1e-9;
  }
  if (!(q.plateau || q.fet_15s || q.fvc_repeatable)) {
    fvc_acc = false;
    add("no_eofe",
        fmt("Ekspirasyon sonu yok: son 1 s'de %.3f L çıktı (<0,025 L olmalı), süre %.1f s "
            "(<15 s) ve FVC önceki en büyük FVC'ye yakın değil: daha uzun üflemesini söyleyin.",
            m.eofe_volume_last_1s_l, m.fet_s),
        fmt("No end of forced expiration: %.3f L came out in the last 1 s (below 0.025 L "
            "needed), FET %.1f s (under 15 s) and FVC is not repeatable with the largest earlier "
            "FVC: ask the worker to keep blowing longer.",
            m.eofe_volume_last_1s_l, m.fet_s));
  }
  // 7. Extra breath or leak.
  if (m.volume_after_insp_max_l > m.fvc_l + kExtraBreathVolume_l) {
    fev1_acc = fvc_acc = false;
    add("extra_breath",
        fmt("Üfleme sırasında ek nefes alındı (nefes alındıktan sonra %.3f L daha çıktı): "
            "tek ve kesintisiz bir üfleme isteyin.",
            m.volume_after_insp_max_l - m.fvc_l),
        fmt("An extra breath was taken during the blow (%.3f L more came out after breathing "
            "in): ask for one continuous blow.",
            m.volume_after_insp_max_l - m.fvc_l));
  }
  // 8. FIVC − FVC (incomplete inspiration before the blow, or a leak).
  if (m.fivc_l && *m.fivc_l > m.fvc_l) {
    const double lim = std::max(kFivcExcessMin_l, kFivcExcessFraction * m.fvc_l);
    if (*m.fivc_l - m.fvc_l > lim + 1e-12) {
      fev1_acc = fvc_acc = false;
      add("fivc_exceeds_fvc",
          fmt("FIVC, FVC'den %.3f L büyük (sınır %.3f L): üflemeden önce tam nefes alınmadı veya "
              "ağızlıktan kaçak var; dudakları ağızlığa sıkıca kapatıp tekrarlatın.",
              *m.fivc_l - m.fvc_l, lim),
          fmt("FIVC exceeds FVC by %.3f L (limit %.3f L): the breath in before the blow was not "
              "full, or air leaked at the mouthpiece; seal the lips and repeat.",
              *m.fivc_l - m.fvc_l, lim));
    }
  }
  // 9. Hesitation (submaximal start).
  if (m.hesitation_s && *m.hesitation_s > kMaxHesitation_s) {
    fev1_acc = fvc_acc = false;
    add("hesitation_long",
        fmt("Derin nefesten sonra %.1f s beklendi (en fazla 2 s): nefesi alır almaz "
            "üflemesini söyleyin.",
            *m.hesitation_s),
        fmt("The worker waited %.1f s after the full breath in (at most 2 s): ask to blow as "
            "soon as the lungs are full.",
            *m.hesitation_s));
  }
  q.acceptable_fev1 = fev1_acc;
  q.acceptable_fvc = fvc_acc;
  q.usable_fev1 = fev1_use;
  q.usable_fvc = fvc_use;
  return q;
}

}  // namespace odyo::spirometry
