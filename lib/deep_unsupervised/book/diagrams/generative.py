"""Diagrams of the generative models: the VAE (twice), the β-VAE, GAN, WGAN critic, CycleGAN."""

from __future__ import annotations

from matplotlib.patches import FancyBboxPatch

from ._draw import (BLACK, CODE, DATA, FROZEN, GREY, LOSS, NETWORK, NOISE, SMALL, arrow, box,
                    canvas, legend, node, text)


def latent_variable_model():
    """Generation by ancestral sampling, and the two quantities that need an integral."""
    fig, ax = canvas(2.7)
    y = 1.5
    box(ax, 0.75, y, 1.25, 0.55, "prior\n" + r"$p_\theta(\mathbf{z})$", color=CODE, size=SMALL)
    node(ax, 2.0, y, 0.26, r"$\mathbf{z}$", color=CODE)
    box(ax, 3.3, y, 1.3, 0.55, "decoder\n" + r"$p_\theta(\mathbf{x}|\mathbf{z})$",
        color=NETWORK, size=SMALL)
    node(ax, 4.6, y, 0.26, r"$\mathbf{x}$", color=DATA, filled=True)
    arrow(ax, (1.38, y), (1.74, y), label="sample", label_offset=(0, 0.2), size=8.5)
    arrow(ax, (2.26, y), (2.65, y))
    arrow(ax, (3.95, y), (4.34, y), label="sample", label_offset=(0, 0.2), size=8.5)
    arrow(ax, (4.5, y - 0.25), (2.1, y - 0.25), rad=-0.35, dashed=True, color=LOSS)
    text(ax, 3.3, 0.42, r"posterior $p_\theta(\mathbf{z}|\mathbf{x}) = "
                        r"p_\theta(\mathbf{x}|\mathbf{z})\,p_\theta(\mathbf{z})\,/\,"
                        r"p_\theta(\mathbf{x})$: needs the evidence", size=8.5, color=LOSS)
    text(ax, 3.3, 2.45, r"evidence $p_\theta(\mathbf{x}) = \int p_\theta(\mathbf{x}|\mathbf{z})"
                        r"\,p_\theta(\mathbf{z})\,d\mathbf{z}$: an integral over every code",
         size=8.5)
    text(ax, 5.45, y, "generate:\nleft to\nright", size=8.5)
    return fig


def vae_graphical_model():
    """Plate diagram: z -> x through p_theta(x|z); the encoder q_phi(z|x) dashed, backwards."""
    fig, ax = canvas(2.7)
    ax.add_patch(FancyBboxPatch((0.9, 0.25), 2.3, 2.2, boxstyle="round,pad=0,rounding_size=0.1",
                                facecolor="none", edgecolor=BLACK, linewidth=1.2))
    text(ax, 3.0, 0.45, "$N$")
    node(ax, 2.05, 1.95, 0.28, r"$\mathbf{z}$", color=CODE)
    node(ax, 2.05, 0.75, 0.28, r"$\mathbf{x}$", color=DATA, filled=True)
    arrow(ax, (2.05, 1.67), (2.05, 1.03), lw=1.8)
    arrow(ax, (1.8, 0.88), (1.8, 1.82), rad=-0.55, dashed=True, color=NETWORK, lw=1.6)
    text(ax, 2.25, 1.35, r"$p_\theta(\mathbf{x}|\mathbf{z})$", size=SMALL, ha="left")
    text(ax, 1.3, 1.35, r"$q_\phi(\mathbf{z}|\mathbf{x})$", size=SMALL, ha="right",
         color=NETWORK)
    node(ax, 3.55, 1.95, 0.05, color=BLACK, filled=True)
    text(ax, 3.75, 1.95, r"$\theta$", ha="left")
    arrow(ax, (3.5, 1.95), (2.35, 1.95), color=GREY, lw=1.1)
    arrow(ax, (3.5, 1.9), (2.32, 0.85), color=GREY, lw=1.1)
    node(ax, 0.45, 2.2, 0.05, color=NETWORK, filled=True)
    text(ax, 0.45, 2.45, r"$\phi$")
    arrow(ax, (0.5, 2.17), (1.6, 1.55), color=GREY, lw=1.1)
    lines = [r"generate: $\mathbf{z} \sim p_\theta(\mathbf{z})$,",
             r"$\mathbf{x} \sim p_\theta(\mathbf{x}|\mathbf{z})$",
             r"infer: $q_\phi(\mathbf{z}|\mathbf{x}) \approx p_\theta(\mathbf{z}|\mathbf{x})$",
             "shaded: observed"]
    for i, line in enumerate(lines):
        text(ax, 4.25, 2.15 - i * 0.45, line, size=SMALL, ha="left")
    return fig


def vae_computation_graph():
    """Encoder, the reparametrised sample z = mu + sigma * eps, decoder, and the two losses."""
    fig, ax = canvas(3.3)
    y = 1.95
    node(ax, 0.35, y, 0.24, r"$\mathbf{x}$", color=DATA, filled=True)
    box(ax, 1.2, y, 0.9, 0.55, "encoder\n$q_\\phi$", color=NETWORK, size=SMALL)
    box(ax, 2.2, y + 0.45, 0.5, 0.34, r"$\boldsymbol{\mu}$", color=CODE)
    box(ax, 2.2, y - 0.45, 0.6, 0.34, r"$\log\boldsymbol{\sigma}^2$", color=CODE, size=SMALL)
    box(ax, 3.45, y, 1.3, 0.5,
        r"$\mathbf{z} = \boldsymbol{\mu} + \boldsymbol{\sigma}\odot\boldsymbol{\varepsilon}$",
        color=CODE, size=SMALL)
    box(ax, 4.75, y, 0.9, 0.55, "decoder\n$p_\\theta$", color=NETWORK, size=SMALL)
    node(ax, 5.65, y, 0.24, r"$\mathbf{x}'$", color=DATA)
    node(ax, 3.45, 2.95, 0.24, r"$\boldsymbol{\varepsilon}$", color=NOISE, dashed=True)
    text(ax, 3.8, 3.05, r"$\sim \mathcal{N}(\mathbf{0}, \mathbf{I})$, sampled outside",
         size=8.5, ha="left", color=NOISE)
    text(ax, 3.8, 2.75, "the network: no gradient", size=8.5, ha="left", color=NOISE)
    arrow(ax, (3.45, 2.71), (3.45, 2.22), color=NOISE, dashed=True, lw=1.4)
    for start, end in [((0.59, y), (0.74, y)), ((1.66, y + 0.15), (1.94, y + 0.4)),
                       ((1.66, y - 0.15), (1.89, y - 0.4)), ((2.46, y + 0.4), (2.79, y + 0.12)),
                       ((2.51, y - 0.4), (2.79, y - 0.12)), ((4.11, y), (4.29, y)),
                       ((5.21, y), (5.4, y))]:
        arrow(ax, start, end, color=BLACK, lw=2.6)
    box(ax, 2.2, 0.85, 1.75, 0.4, r"KL$(q_\phi \,\|\, \mathcal{N}(\mathbf{0},\mathbf{I}))$",
        color=LOSS, size=SMALL)
    box(ax, 4.75, 0.35, 1.6, 0.4, r"$-\log p_\theta(\mathbf{x}|\mathbf{z})$", color=LOSS,
        size=SMALL)
    arrow(ax, (2.0, y - 0.62), (2.0, 1.05), color=LOSS)  # the KL term needs log sigma^2 ...
    arrow(ax, (2.38, y + 0.28), (2.6, 1.05), color=LOSS, rad=-0.3)  # ... and mu
    arrow(ax, (5.65, y - 0.24), (5.2, 0.55), color=LOSS)
    arrow(ax, (0.35, y - 0.24), (3.95, 0.35), color=LOSS, dashed=True, lw=1.1,
          connectionstyle="angle,angleA=-90,angleB=180,rad=0")
    legend(ax, 0.15, 3.05, [(BLACK, "differentiable path:", "arrow")])
    text(ax, 0.47, 2.78, "gradients flow back along it", size=8.5, ha="left")
    return fig


def beta_vae_objective():
    """The β-VAE objective as weighted terms, and what β's range means."""
    fig, ax = canvas(2.6)
    box(ax, 1.4, 1.95, 2.3, 0.5,
        r"$\mathbb{E}_{q_\phi(\mathbf{z}|\mathbf{x})}[\log p_\theta(\mathbf{x}|\mathbf{z})]$",
        color=DATA)
    text(ax, 1.4, 1.45, "reconstruction", size=SMALL)
    text(ax, 3.05, 1.95, r"$-\;\beta\,\times$", size=13)
    box(ax, 4.7, 1.95, 2.2, 0.5,
        r"$D_{\mathrm{KL}}(q_\phi(\mathbf{z}|\mathbf{x}) \,\|\, p(\mathbf{z}))$", color=LOSS)
    text(ax, 4.7, 1.45, "pull towards the prior", size=SMALL)
    ax.plot([0.5, 5.7], [0.85, 0.85], color=BLACK, lw=1.2)
    arrow(ax, (5.6, 0.85), (5.85, 0.85))
    text(ax, 5.95, 0.85, r"$\beta$", ha="left")
    marks = [(0.6, "0", "no pull: in effect\nan autoencoder"), (2.4, "1", "VAE\n(the ELBO)"),
             (4.5, "4", "stronger pull:\nfactorised codes")]
    for x, value, meaning in marks:
        ax.plot([x, x], [0.78, 0.92], color=BLACK, lw=1.2)
        text(ax, x, 1.07, value, size=SMALL)
        text(ax, x, 0.38, meaning, size=8.5)
    return fig


def _gan_panel(ax, x0, step, title, source, g_state, d_state, target):
    """One update step: [z -> G ->] sample -> D -> target; updated blocks coloured."""
    text(ax, x0 + 0.95, 3.05, f"step {step}", size=SMALL, weight="bold")
    text(ax, x0 + 0.95, 2.78, title, size=8.5)
    colours = {"updated": NETWORK, "frozen": FROZEN}
    if source == "data":
        node(ax, x0 + 0.95, 2.15, 0.3, r"$\mathbf{x}$", color=DATA, filled=True)
        text(ax, x0 + 1.35, 2.15, r"$p_{\mathrm{data}}$", size=8.5, ha="left")
    else:
        node(ax, x0 + 0.25, 2.15, 0.22, r"$\mathbf{z}$", color=NOISE)
        box(ax, x0 + 0.95, 2.15, 0.7, 0.45, "G", color=colours[g_state],
            dashed=g_state == "frozen")
        arrow(ax, (x0 + 0.47, 2.15), (x0 + 0.6, 2.15))
        text(ax, x0 + 1.05, 1.66, r"$G(\mathbf{z})$", size=8.5, ha="left")
    arrow(ax, (x0 + 0.95, 1.85), (x0 + 0.95, 1.47))
    box(ax, x0 + 0.95, 1.2, 0.7, 0.45, "D", color=colours[d_state],
        dashed=d_state == "frozen")
    arrow(ax, (x0 + 0.95, 0.97), (x0 + 0.95, 0.67))
    box(ax, x0 + 0.95, 0.45, 1.05, 0.36, f"target: {target}", color=LOSS, size=8.5)


def gan_steps():
    """The GAN's three update steps, side by side."""
    fig, ax = canvas(3.6)
    _gan_panel(ax, 0.05, 1, "D on real data", "data", None, "updated", "real")
    _gan_panel(ax, 2.15, 2, "D on fakes", "noise", "frozen", "updated", "fake")
    _gan_panel(ax, 4.25, 3, "G through D", "noise", "updated", "frozen", "real")
    for x in (2.1, 4.2):
        ax.plot([x, x], [0.3, 3.1], color=GREY, lw=0.8, ls=":")
    legend(ax, 1.2, 3.45, [(NETWORK, "updated", "box"), (FROZEN, "frozen", "box")], dx=1.9)
    return fig


def wgan_critic():
    """The WGAN-GP critic: scores, its objective and the gradient penalty on interpolates."""
    fig, ax = canvas(3.2)
    top, mid, low = 2.85, 2.05, 1.25
    node(ax, 0.45, top, 0.27, r"$\mathbf{x}$", color=DATA, filled=True)
    node(ax, 0.45, low, 0.27, r"$G(\mathbf{z})$", color=NOISE, size=8.5)
    node(ax, 1.45, mid, 0.27, r"$\hat{\mathbf{x}}$", color=CODE)
    text(ax, 0.95, 0.83, r"$\hat{\mathbf{x}} = \epsilon\mathbf{x} + (1-\epsilon)G(\mathbf{z})$,"
         r" $\epsilon \sim U(0, 1)$", size=8, ha="left")
    arrow(ax, (0.62, top - 0.2), (1.28, mid + 0.2), color=GREY, lw=1.1)
    arrow(ax, (0.62, low + 0.2), (1.28, mid - 0.2), color=GREY, lw=1.1)
    box(ax, 2.75, mid, 0.8, 1.95, "critic\n$f$\n(no\nsigmoid)", color=NETWORK, size=SMALL)
    arrow(ax, (0.72, top), (2.35, top))
    arrow(ax, (0.72, low), (2.35, low))
    arrow(ax, (1.72, mid), (2.35, mid))
    for y, label in [(top, r"$f(\mathbf{x})$"), (low, r"$f(G(\mathbf{z}))$"),
                     (mid, r"$\|\nabla f(\hat{\mathbf{x}})\|$")]:
        arrow(ax, (3.15, y), (3.5, y))
        text(ax, 3.57, y, label, size=SMALL, ha="left")
    text(ax, 5.25, top, "a real-valued\nscore, not a\nprobability", size=8.5)
    box(ax, 2.45, 0.33, 4.6, 0.4,
        r"critic maximises mean $f(\mathbf{x})$ $-$ mean $f(G(\mathbf{z}))$"
        r" $- \lambda(\|\nabla f(\hat{\mathbf{x}})\| - 1)^2$", color=LOSS, size=8.5)
    box(ax, 5.45, 0.43, 1.0, 0.6, "G maximises\nmean\n" + r"$f(G(\mathbf{z}))$",
        color=LOSS, size=8)
    return fig


def cyclegan():
    """CycleGAN's two generators between domains X and Y, and its cycle-consistency losses."""
    fig, ax = canvas(2.9)
    box(ax, 0.6, 1.45, 0.9, 1.3, "domain\n$X$", color=DATA, size=SMALL)
    box(ax, 2.9, 1.45, 0.9, 1.3, "domain\n$Y$", color=CODE, size=SMALL)
    arrow(ax, (1.05, 1.85), (2.45, 1.85), rad=-0.35, color=NETWORK, lw=2, label="$G$",
          label_offset=(0, 0.38))
    arrow(ax, (2.45, 1.05), (1.05, 1.05), rad=-0.35, color=NETWORK, lw=2, label="$F$",
          label_offset=(0, -0.38))
    box(ax, 0.6, 2.55, 0.6, 0.32, "$D_X$", color=NETWORK, size=SMALL, fill=0.5)
    box(ax, 2.9, 2.55, 0.6, 0.32, "$D_Y$", color=NETWORK, size=SMALL, fill=0.5)
    arrow(ax, (0.6, 2.39), (0.6, 2.1), color=GREY, lw=1.1)
    arrow(ax, (2.9, 2.39), (2.9, 2.1), color=GREY, lw=1.1)
    rows = [(2.2, "x", "G", "F"), (0.75, "y", "F", "G")]
    for y, v, first, second in rows:
        a, b = rf"$\mathbf{{{v}}}$", rf"${first}(\mathbf{{{v}}})$"
        c = rf"${second}({first}(\mathbf{{{v}}}))$"
        loss = rf"$\|{second}({first}(\mathbf{{{v}}})) - \mathbf{{{v}}}\|_1$"
        text(ax, 3.75, y, a, size=SMALL)
        arrow(ax, (3.9, y), (4.1, y))
        text(ax, 4.45, y, b, size=SMALL)
        arrow(ax, (4.8, y), (5.0, y))
        text(ax, 5.45, y, c, size=SMALL)
        arrow(ax, (5.45, y - 0.15), (3.8, y - 0.15), rad=-0.25, color=LOSS, lw=1.2)
        text(ax, 4.6, y - 0.55, loss, size=8.5, color=LOSS)
    text(ax, 1.75, 0.2, "adversarial losses: $D_X$, $D_Y$ judge each domain", size=8.5)
    return fig
