"""Schematic diagrams of the book's models, drawn with Matplotlib in one style.

Each diagram is a function returning a :class:`matplotlib.figure.Figure` (not registered with
pyplot, so a notebook cell that ends with it shows it once). :data:`ALL` maps each diagram's name
to its function, the chapter that introduces the concept, and a suggested caption and alt text;
:func:`draw` builds one by name. Captions are MyST markdown (myst-nb renders a cell's
``mystnb.figure.caption``), so maths in them is written ``$...$``; alt text is plain text. NumPy and Matplotlib only: no Keras import.

Example:
    >>> from deep_unsupervised.book import diagrams
    >>> fig = diagrams.draw("autoencoder")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..._backend.validation import invalid
from . import autoencoders, generative, networks


@dataclass(frozen=True)
class Diagram:
    """One registered diagram: how to draw it, where it belongs, how to caption it."""

    function: Callable
    chapter: str
    caption: str
    alt: str


def _d(function, chapter, caption, alt):
    return function.__name__, Diagram(function, chapter, caption, alt)


ALL: dict[str, Diagram] = dict([
    _d(networks.neuron, "neural_networks",
       "A single neuron: a weighted sum of its inputs plus a bias, passed through an "
       "activation function σ.",
       "Three input circles x1, x2, x3 with arrows labelled w1, w2, w3 into a circle marked "
       "sum and sigma; a bias b enters from above; the output arrow is labelled "
       "h = sigma(sum of w_i x_i + b)."),
    _d(networks.mlp, "neural_networks",
       "A small multilayer perceptron: every unit of a layer feeds every unit of the next "
       "(weights W and biases b per layer); a softmax turns the last layer into class "
       "probabilities.",
       "Three columns of circles (five input units, five ReLU hidden units, four softmax "
       "outputs) with every unit connected to every unit of the next column; W1, b1 and W2, "
       "b2 label the two sets of connections."),
    _d(networks.convolution, "convolutional_networks",
       "Convolution: the 3×3 kernel is laid over every 3×3 window of the image; the sum of "
       "the element-wise products is one output value. The outlined window gives the "
       "outlined output cell.",
       "A 6 by 6 binary image with a 3 by 3 window outlined in red, a 3 by 3 kernel with ones "
       "on the corners and centre, and the 4 by 4 output; a curved arrow links the window to "
       "the output cell it produces."),
    _d(networks.max_pooling, "convolutional_networks",
       "2×2 max-pooling with stride 2: each 2×2 block of a feature map is replaced by its "
       "largest value, halving height and width.",
       "A 4 by 4 grid of numbers split into four shaded 2 by 2 blocks, an arrow labelled max "
       "over 2 by 2, and a 2 by 2 grid holding the maximum of each block: 4, 2, 2, 6."),
    _d(networks.rbm_gibbs, "rbm_dbn",
       "Left: a restricted Boltzmann machine, a bipartite graph of visible units x and hidden "
       "units h joined by the weights W, with no connections inside a layer. Right: the Gibbs "
       "chain of CD-k, which alternates sampling h from p(h|x) and x from p(x|h), starting "
       "from a training example; the weight update contrasts the statistics at both ends.",
       "Left, four visible circles fully connected to three hidden circles. Right, a zigzag "
       "chain x(0), h(0), x(1), h(1), dots, x(k), h(k), with upward arrows labelled p(h|x) "
       "and downward arrows labelled p(x|h); above, delta W proportional to h(0) x(0) "
       "transposed minus h(k) x(k) transposed."),
    _d(networks.dbn_greedy, "rbm_dbn",
       "Greedy layer-wise training of a deep belief network: stage by stage, one RBM is "
       "trained with CD-k on the outputs of the frozen layers below it.",
       "Three stages side by side. Stage 1: layer x below h1, joined by a two-headed orange "
       "arrow (an RBM trained with CD-k). Stage 2: x to h1 frozen in grey, h1 to h2 trained. "
       "Stage 3: two frozen layers and the RBM between h2 and h3 trained."),
    _d(autoencoders.pca_projection, "pca",
       "PCA as an encoder and a decoder: the encoder projects each centred point onto the "
       "principal axis w1, the direction of largest variance (z = W(x − x̄)); the decoder "
       "maps the code back onto that line (x′ = x̄ + Wᵀz). The dashed segments are the "
       "reconstruction errors, orthogonal to the axis.",
       "A cloud of points stretched along a diagonal, with the principal axis w1 drawn "
       "through the mean along the stretch and a short axis w2 across it; dashed segments "
       "join several points to their projections on w1; one point x and its reconstruction "
       "x prime are labelled."),
    _d(autoencoders.autoencoder, "autoencoders",
       "An autoencoder: the encoder compresses the input x into a short code z, the decoder "
       "expands the code into a reconstruction x′, and training minimises the reconstruction "
       "loss between x′ and x.",
       "A long vector x, a trapezoid encoder narrowing to a short code vector z, a trapezoid "
       "decoder widening to the reconstruction x prime, and a red loss box below joined to x "
       "and x prime."),
    _d(autoencoders.deep_autoencoder, "autoencoders",
       "The lecture's deep autoencoder for MNIST: 784 → 128 → 32 → 128 → 784 units, ReLU "
       "inside and a logistic sigmoid on the output, trained with the pixel-wise "
       "cross-entropy.",
       "Five vertical bars whose heights follow the layer widths 784, 128, 32, 128 and 784, "
       "joined by arrows labelled ReLU and, into the output, sigmoid; brackets mark the "
       "encoder and the decoder."),
    _d(autoencoders.conv_autoencoder, "autoencoders",
       "The convolutional autoencoder: convolutions and max-pooling shrink the padded 32×32 "
       "image to a 4×4×8 code; stride-2 transposed convolutions (deconvolutions) grow it back. "
       "Inset: a transposed convolution writes a scaled copy of its kernel for every input "
       "value, stride 2 apart, and adds where the copies overlap.",
       "Top: a row of squares whose sizes follow the tensor shapes 32 by 32 by 1, 16 by 16 by "
       "16, 8 by 8 by 8, the code 4 by 4 by 8, then 8 by 8 by 8, 16 by 16 by 16 and 32 by 32 "
       "by 1; arrows read conv plus pool and deconv, stride 2. Bottom: a 2 by 2 input whose "
       "cells each paint a 3 by 3 patch on a 5 by 5 output, overlapping by one cell."),
    _d(autoencoders.denoising_autoencoder, "denoising_autoencoders",
       "A denoising autoencoder: the input is corrupted, the autoencoder reconstructs from the "
       "corrupted copy, and the loss compares the reconstruction with the clean input.",
       "A clean 8 by 8 digit seven, an arrow through a purple corrupt box to a noisy copy, an "
       "encoder, a code, a decoder and a reconstruction; a red loss box compares the "
       "reconstruction with the clean seven, reached by an arrow that bypasses the "
       "corruption."),
    _d(autoencoders.segnet, "denoising_autoencoders",
       "SegNet: an encoder–decoder for segmentation. Each max-pooling layer records where its "
       "maxima were; the matching decoder layer unpools by putting each value back at that "
       "position (zeros elsewhere).",
       "Top: an image enters three encoder blocks of decreasing size and leaves three decoder "
       "blocks of increasing size as a segmentation map; dashed arrows labelled pooling "
       "indices join each encoder block to its mirror decoder block. Bottom: max-pooling a 4 "
       "by 4 block keeps 4 maxima and their positions, and unpooling writes them back at "
       "those positions with zeros elsewhere."),
    _d(generative.latent_variable_model, "generative_framework",
       r"A latent-variable model generates by ancestral sampling: a code $\vec{z}$ from the "
       r"prior, then $\vec{x}$ from the decoder's distribution $p_\theta(\vec{x} \mid \vec{z})$. "
       r"Learning needs the evidence $p_\theta(\vec{x})$, an integral over all codes; inference "
       r"needs the posterior $p_\theta(\vec{z} \mid \vec{x})$ (dashed), which contains the same "
       r"evidence.",
       "A green prior box, an arrow labelled sample to a code circle z, an orange decoder "
       "box, and an arrow labelled sample to a shaded data circle x. Above, the evidence "
       "p(x) written as the integral of p(x|z) p(z) over z. Below, a dashed red arrow from x "
       "back to z labelled with Bayes' rule for the posterior, which needs the evidence."),
    _d(generative.vae_graphical_model, "vae",
       r"The VAE as a graphical model: the latent code $\vec{z}$ is drawn from the prior and "
       r"generates the observation $\vec{x}$ through the decoder $p_\theta(\vec{x} \mid \vec{z})$ "
       r"(solid); the encoder $q_\phi(\vec{z} \mid \vec{x})$ approximates the posterior (dashed). "
       r"The plate repeats both for each of the $N$ examples.",
       "Inside a plate marked N, an open circle z above a shaded circle x; a solid arrow "
       "from z to x labelled p theta of x given z; a dashed curved arrow from x back to z "
       "labelled q phi of z given x; the parameters theta and phi sit outside the plate."),
    _d(generative.vae_computation_graph, "vae",
       r"The VAE as a computation graph, with the reparametrisation trick: the noise "
       r"$\vec{\varepsilon}$ enters from outside (dashed), so "
       r"$\vec{z} = \vec{\mu} + \vec{\sigma} \odot \vec{\varepsilon}$ is a differentiable function "
       r"of the encoder's outputs and the gradients (thick arrows) flow from both losses to the "
       r"encoder.",
       "x enters the encoder, which outputs mu and log sigma squared; a purple noise node "
       "epsilon sampled from N(0, I) joins them through a dashed arrow in the node z = mu + "
       "sigma times epsilon; z feeds the decoder, whose output x prime enters the "
       "reconstruction loss; mu and sigma also feed the KL loss. Thick arrows mark the "
       "gradient path."),
    _d(generative.beta_vae_objective, "beta_vae",
       "The β-VAE objective: β weighs the KL term against the reconstruction term. β = 0 "
       "removes the pull towards the prior (in effect an autoencoder), β = 1 is the "
       "VAE's ELBO, and β > 1 presses the codes harder towards the factorised prior, "
       "which favours disentangled codes at the cost of blurrier reconstructions.",
       "The objective written as a blue reconstruction box minus beta times a red KL box; "
       "below, a beta axis with marks at 0, 1 and 4 labelled no pull (in effect an "
       "autoencoder), VAE (the ELBO), and stronger pull: factorised codes."),
    _d(generative.gan_steps, "gan_framework",
       "The GAN's three update steps. 1: the discriminator learns to say 'real' on data. "
       "2: it learns to say 'fake' on generated samples. 3: the generator learns to make the "
       "frozen discriminator say 'real'. Orange blocks are updated, grey ones frozen.",
       "Three panels. Panel 1: real data into an orange discriminator D with target real. "
       "Panel 2: noise z into a grey frozen generator G, its sample into an orange "
       "discriminator with target fake. Panel 3: z into an orange generator, its sample into "
       "a grey frozen discriminator with target real."),
    _d(generative.wgan_critic, "dcgan",
       "The WGAN-GP critic: a network with a linear output scores real and generated samples; "
       "it maximises the difference of mean scores, minus a penalty that keeps its gradient "
       "norm near 1 at random interpolates between real and fake samples.",
       "Real x and generated G(z) feed an interpolation node x hat; all three feed an orange "
       "critic f with a real-valued score and no sigmoid; red boxes show the critic's "
       "objective, mean f(x) minus mean f(G(z)), and the gradient penalty lambda times "
       "(norm of the gradient at x hat minus 1) squared."),
    _d(generative.cyclegan, "dcgan",
       "CycleGAN: two generators map between the domains X and Y (G: X → Y, F: Y → X), each "
       "judged by a discriminator of its target domain; the cycle-consistency losses ask that "
       "F(G(x)) return to x and G(F(y)) to y.",
       "Two rounded boxes, domain X and domain Y; an arrow G from X to Y on top and an arrow "
       "F from Y to X below; discriminators D_Y and D_X next to their domains; on the right, "
       "the cycle x to G(x) to F(G(x)) with a red L1 loss back to x, and the same for y."),
])


def _check_name(name) -> None:
    if not isinstance(name, str) or name not in ALL:
        raise invalid("name", f"one of {sorted(ALL)}", name)


def draw(name: str):
    """Build the diagram ``name`` (a key of :data:`ALL`) and return its figure."""
    _check_name(name)
    return ALL[name].function()


def figure_label(name: str) -> str:
    """The label of diagram ``name`` as a numbered figure: ``fig-`` + name with dashes."""
    _check_name(name)
    return "fig-" + name.replace("_", "-")


def cell_metadata(name: str, caption: str | None = None, alt: str | None = None) -> dict:
    """Notebook cell metadata showing diagram ``name`` as a numbered figure with alt text.

    The cell's source is ``du.book.diagrams.draw("<name>")``; the metadata hides that source
    (``remove-input``) and gives myst-nb the caption, the label (:func:`figure_label`) and the
    alt text. ``caption``/``alt`` override the registered ones.
    """
    label = figure_label(name)
    entry = ALL[name]
    return {"tags": ["remove-input"],
            "mystnb": {"figure": {"caption": caption or entry.caption, "name": label},
                       "image": {"alt": alt or entry.alt}}}


__all__ = ["ALL", "Diagram", "cell_metadata", "draw", "figure_label"]
